package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.BcosEncoding;
import e2kd.data.FashionMnist;
import e2kd.data.FewShot;
import e2kd.data.Image;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainers;
import e2kd.io.NpyReader;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code e2kd precompute} then {@code distill --method e2kd-frozen}: the stored logits and maps are the teacher's
 * own for the whole image, an interrupted precompute resumes by writing only its missing shards, and a frozen run
 * trains from the shards.
 */
class FrozenRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TINY =
            Cli.args(Cli.TINY, new String[] {"--set", "test_limit=20", "--set", "batch=20"});

    @TempDir
    Path tmp;

    @Test
    void precomputeStoresTheTeachersOutputsResumesAndFeedsAFrozenRun() throws IOException {
        Path teacher = tmp.resolve("teacher.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            Model t = Models.create("bcos_resnet18", 10, Map.of("stem", "small", "base", "4"), m);
            ModelCheckpoint.save(teacher, t, Models.contract("bcos_resnet18", 28), null, Map.of());
        }
        Path frozen = tmp.resolve("frozen");
        assertEquals(
                "60 samples: 4 shards written, 0 already complete",
                precompute(teacher, frozen).strip().replaceAll(" \\(.*", ""));
        JsonNode index = JSON.readTree(frozen.resolve("index.json").toFile());
        assertTrue(index.path("complete").asBoolean());
        assertEquals("[6,28,28]", index.path("map_shape").toString());

        checkAgainstLiveTeacher(teacher, frozen, index);

        byte[] shard2 = Files.readAllBytes(frozen.resolve("maps-00002.npy"));
        FileTime shard1Time = Files.getLastModifiedTime(frozen.resolve("logits-00001.npy"));
        Files.delete(frozen.resolve("logits-00002.npy")); // as if killed after the maps, before the logits
        assertEquals(
                "60 samples: 1 shards written, 3 already complete",
                precompute(teacher, frozen).strip().replaceAll(" \\(.*", ""));
        assertArrayEquals(shard2, Files.readAllBytes(frozen.resolve("maps-00002.npy")));
        assertEquals(shard1Time, Files.getLastModifiedTime(frozen.resolve("logits-00001.npy")));

        String other = Cli.oneLineError(Cli.args(
                new String[] {
                    "precompute", "--teacher", teacher.toString(), "--out", frozen.toString(), "--shard-size", "16"
                },
                TINY,
                new String[] {"--set", "seed=8"}));
        assertTrue(
                other.startsWith("e2kd: ") && other.contains("index.json") && other.contains("source_indices"), other);

        Path run = tmp.resolve("student");
        assertEquals(
                0,
                Main.run(Cli.args(
                        new String[] {
                            "distill",
                            "--out",
                            run.toString(),
                            "--method",
                            "e2kd-frozen",
                            "--frozen",
                            frozen.toString(),
                            "--set",
                            "epochs=1"
                        },
                        TINY)));
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals("e2kd-frozen", summary.path("method").asText());
        double[] expected = RunFiles.recomputed(run, teacher);
        assertEquals(expected[1], summary.path("top1").asDouble(), 1e-12, "top-1 " + summary);
        assertEquals(expected[2], summary.path("agreement").asDouble(), 1e-12, "agreement " + summary);
        assertEquals(expected[3], summary.path("explanation_similarity").asDouble(), 1e-5, "similarity " + summary);
        JsonNode metrics =
                JSON.readTree(Files.readAllLines(run.resolve("metrics.jsonl")).get(0));
        assertTrue(
                metrics.path("loss_explanation").isNumber()
                        && metrics.path("loss_kd").isNumber(),
                metrics.toString());
    }

    /** Sample 0 of shard 3 against the teacher run on the whole image, independently of the precompute code. */
    private static void checkAgainstLiveTeacher(Path teacher, Path frozen, JsonNode index) {
        int[] train =
                FewShot.split(FashionMnist.embedded().train().labels(), 6, 2, 7).train();
        assertEquals(
                Arrays.toString(train), index.path("source_indices").toString().replace(",", ", "));
        Image image = new BcosEncoding().encode(FashionMnist.embedded().train().image(train[48]));
        float[] logits = NpyReader.read(frozen.resolve("logits-00003.npy")).toFloatArray();
        float[] maps = NpyReader.read(frozen.resolve("maps-00003.npy")).toFloatArray();
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded t = ModelCheckpoint.load(teacher, m);
            NDArray x = m.create(image.data(), new Shape(1, 6, 28, 28));
            Explained live =
                    Autograd.noGrad(() -> Explainers.create("bcos", t.model()).explain(x, ClassChoice.top1()));
            assertArrayEquals(live.logits().toFloatArray(), Arrays.copyOfRange(logits, 0, 10), 1e-5f);
            assertArrayEquals(live.map().toFloatArray(), Arrays.copyOfRange(maps, 0, 6 * 28 * 28), 1e-5f);
        }
    }

    private String precompute(Path teacher, Path out) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(bytes, true));
        try {
            assertEquals(
                    0,
                    Main.run(Cli.args(
                            new String[] {
                                "precompute",
                                "--teacher",
                                teacher.toString(),
                                "--out",
                                out.toString(),
                                "--shard-size",
                                "16"
                            },
                            TINY)));
        } finally {
            System.setOut(old);
        }
        return bytes.toString();
    }
}
