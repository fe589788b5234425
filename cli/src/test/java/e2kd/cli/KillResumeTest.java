package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training process killed with SIGKILL in the middle of an epoch (after epoch 1's checkpoint, during epoch 2's
 * steps) leaves a run directory that {@code --resume} finishes: summary.json, loadable checkpoints, one metrics line
 * per epoch, and the same metrics, weights and test top-1 as the run that was never killed; on one device and with
 * two data-parallel CPU replicas.
 */
class KillResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // threads pinned: the killed run is a fresh process, the uninterrupted one runs in this JVM, whose libtorch
    // thread count an earlier test in the fork may have changed (summation order, so the last bits, differ)
    private static final String[] TINY = Cli.args(Cli.TINY, new String[] {
        "--set", "test_limit=20", "--set", "batch=10", "--set", "epochs=3", "--set", "log_every=1", "--threads", "1"
    });

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void sigkillMidEpochThenResumeFinishesAValidRun(String devices) throws IOException, InterruptedException {
        Path run = tmp.resolve("run");
        String[] tiny = Cli.args(TINY, new String[] {"--devices", devices});
        // Epoch 2 has steps 7..12; after its second step the process is mid-epoch, epoch 1 checkpointed.
        Cli.sigkillAt("epoch 2/3  step 8/18", Cli.args(new String[] {"train", "--out", run.toString()}, tiny));
        assertTrue(Files.exists(run.resolve("last.ckpt")) && !Files.exists(run.resolve("summary.json")));
        assertTrue(
                Files.readAllLines(run.resolve("config.yaml")).contains("devices: \"" + devices + "\""),
                "the run records its replicas");

        assertEquals(0, Main.run("train", "--resume", run.toString()));
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        // the killed-and-resumed run is the uninterrupted one: same metrics, same weights, same test top-1
        Path whole = tmp.resolve("whole");
        assertEquals(0, Main.run(Cli.args(new String[] {"train", "--out", whole.toString()}, tiny)));
        assertEquals(RunFiles.withoutTiming(RunFiles.metrics(whole)), RunFiles.withoutTiming(RunFiles.metrics(run)));
        RunFiles.assertSameWeights(whole.resolve("last.ckpt"), run.resolve("last.ckpt"));
        assertEquals(RunFiles.summary(whole).path("top1"), summary.path("top1"), summary.toString());
        assertEquals(3, summary.path("epochs").asInt());
        assertEquals(18, summary.path("steps").asInt());
        List<Integer> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            epochs.add(JSON.readTree(line).path("epoch").asInt());
        }
        assertEquals(List.of(1, 2, 3), epochs);
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(
                    3,
                    ModelCheckpoint.load(run.resolve("last.ckpt"), m)
                            .trainer()
                            .path("epoch")
                            .asInt());
            assertEquals(
                    "bcos_resnet18",
                    ModelCheckpoint.load(run.resolve("best.ckpt"), m)
                            .model()
                            .spec()
                            .id());
        }
        try (var files = Files.list(run)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }
}
