package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * reviewkd and crd (alone with the label term, and with KD as in the CRD paper) through {@code e2kd distill}: two
 * epochs straight, and one epoch, {@code --resume}, the second; both end with the same student, criterion state
 * (connectors, embeddings, memory bank) and optimizer state to the bit, and the same metrics.
 */
class BaselineCriteriaRunsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "resnet18|stem=small,base=4|stem=small,base=6|[{name: ground_truth}, {name: reviewkd, weight: 1}]|criteria/reviewkd/abfs.4.conv2.0.weight",
                "bcos_resnet18|stem=small,base=4|stem=small,base=6|[{name: ground_truth}, {name: crd, weight: 0.8}]|criteria/crd/contrast.memory_v1",
                "densenet121|stem=small,base=4,growth=2|stem=small,base=6,growth=2|[{name: ground_truth}, {name: kd, tau: 4}, {name: crd, weight: 0.8}]|criteria/crd/embed_s.linear.weight"
            })
    void runsAndResumesToTheBit(
            String model, String studentOptions, String teacherOptions, String loss, String stateKey)
            throws IOException {
        Path teacher = tmp.resolve("teacher.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            Model t = Models.create(model, 10, e2kd.Options.parse(teacherOptions), m);
            ModelCheckpoint.save(teacher, t, Models.contract(model, 28), null, Map.of());
        }
        String[] args = Cli.args(
                new String[] {"distill", "--teacher", teacher.toString(), "--method", "kd"}, Cli.TINY, new String[] {
                    "--set",
                    "model=" + model,
                    "--set",
                    "model_options=" + studentOptions,
                    "--set",
                    "epochs=2",
                    "--set",
                    "test_limit=10",
                    "--set",
                    "loss=" + loss
                });
        Path straight = tmp.resolve("straight");
        assertEquals(0, Main.run(Cli.args(args, new String[] {"--out", straight.toString()})));
        Path resumed = tmp.resolve("resumed");
        assertEquals(0, Main.run(Cli.args(args, new String[] {"--out", resumed.toString(), "--stop-after", "1"})));
        assertEquals(0, Main.run("distill", "--resume", resumed.toString()));

        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded a = ModelCheckpoint.load(straight.resolve("last.ckpt"), m);
            ModelCheckpoint.Loaded b = ModelCheckpoint.load(resumed.resolve("last.ckpt"), m);
            assertTrue(
                    a.trainerTensors().containsKey(stateKey),
                    "criterion state saved: " + a.trainerTensors().keySet());
            same(a.model().stateDict(), b.model().stateDict());
            same(a.trainerTensors(), b.trainerTensors());
            if (loss.contains("crd")) {
                float[] z = a.trainerTensors().get("criteria/crd/contrast.z").toFloatArray();
                assertTrue(z[0] > 0 && z[1] > 0, "normalisers set: " + z[0] + ", " + z[1]);
            }
        }
        assertEquals(metrics(straight), metrics(resumed));
    }

    /** metrics.jsonl without the wall-clock field. */
    private static List<String> metrics(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll("\"images_per_second\":[^,}]*,?", ""))
                .toList();
    }

    private static void same(Map<String, NDArray> expected, Map<String, NDArray> actual) {
        assertEquals(new TreeSet<>(expected.keySet()), new TreeSet<>(actual.keySet()));
        expected.forEach(
                (key, v) -> assertArrayEquals(v.toByteArray(), actual.get(key).toByteArray(), key));
    }
}
