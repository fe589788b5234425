package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.io.PthReader;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seams at work: a criterion that exists only in the tests ({@code e2kd.distill.LayerProbeCriterion}, one class
 * plus one ServiceLoader line) taps layer3 of the student and the teacher, owns a trainable parameter, trains, is
 * logged, survives SIGKILL and {@code --resume} with results identical to the bit, and is not exported.
 */
class CriterionSeamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"bcos_densenet121|stem=small,base=8,growth=4", "resnet18|stem=small,base=4"})
    void testOnlyCriterionTrainsResumesBitIdenticallyAndIsNotExported(String model, String options)
            throws IOException, InterruptedException {
        Path teacher = tmp.resolve("teacher.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            Model t = Models.create(model, 10, e2kd.Options.parse(options), m);
            ModelCheckpoint.save(teacher, t, Models.contract(model, 28), null, Map.of());
        }
        String[] args = Cli.args(
                new String[] {"distill", "--teacher", teacher.toString(), "--method", "kd"}, Cli.TINY, new String[] {
                    "--set",
                    "model=" + model,
                    "--set",
                    "model_options=" + options,
                    "--set",
                    "batch=10",
                    "--set",
                    "epochs=3",
                    "--set",
                    "test_limit=20",
                    "--set",
                    "log_every=1",
                    "--set",
                    "loss=[{name: kd, tau: 2}, {name: layer_probe, weight: 0.5, feature: layer3}]"
                });

        Path straight = tmp.resolve("straight");
        assertEquals(0, Main.run(Cli.args(args, new String[] {"--out", straight.toString()})));
        Path killed = tmp.resolve("killed");
        // epoch 2 has steps 7..12: after its second step the process is mid-epoch, epoch 1 checkpointed
        Cli.sigkillAt("epoch 2/3  step 8/18", Cli.args(args, new String[] {"--out", killed.toString()}));
        assertEquals(0, Main.run("distill", "--resume", killed.toString()));

        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded a = ModelCheckpoint.load(straight.resolve("last.ckpt"), m);
            ModelCheckpoint.Loaded b = ModelCheckpoint.load(killed.resolve("last.ckpt"), m);
            assertSameArrays(a.model().stateDict(), b.model().stateDict());
            assertSameArrays(a.trainerTensors(), b.trainerTensors());
            NDArray scale = a.trainerTensors().get("criteria/layer_probe/scale");
            assertTrue(
                    scale != null,
                    "criterion state saved: " + a.trainerTensors().keySet());
            assertNotEquals(1f, scale.getFloat(0), "the criterion's parameter was trained");
            assertTrue(a.trainerTensors().containsKey("criterion.layer_probe.scale/m"), "its optimizer state saved");
        }
        List<JsonNode> lines = metrics(straight);
        assertEquals(metrics(killed), lines);
        assertTrue(
                lines.get(2).path("loss_layer_probe").isNumber(), lines.get(2).toString());
        assertTrue(
                Files.readString(straight.resolve("report.html")).contains("layer_probe loss"), "curve in the report");
        assertEquals(
                JSON.readTree(straight.resolve("summary.json").toFile()).path("top1"),
                JSON.readTree(killed.resolve("summary.json").toFile()).path("top1"));

        Path exported = tmp.resolve("student.pth");
        assertEquals(0, Main.run("export", straight.toString(), "--out", exported.toString()));
        try (NDManager m = NDManager.newBaseManager()) {
            TreeSet<String> keys = new TreeSet<>();
            PthReader.read(exported).forEach(e -> keys.add(e.getKey()));
            assertEquals(
                    new TreeSet<>(ModelCheckpoint.load(straight.resolve("best.ckpt"), m)
                            .model()
                            .stateDict()
                            .keySet()),
                    keys);
        }
    }

    /** metrics.jsonl without the wall-clock field. */
    private static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            ObjectNode node = (ObjectNode) JSON.readTree(line);
            node.remove("images_per_second");
            lines.add(node);
        }
        return lines;
    }

    private static void assertSameArrays(Map<String, NDArray> expected, Map<String, NDArray> actual) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()));
        expected.forEach(
                (key, v) -> assertArrayEquals(v.toByteArray(), actual.get(key).toByteArray(), key));
    }
}
