package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device gpu} where DJL sees no CUDA GPU, and a bad {@code --devices}: exit 2 and one line naming the value
 * (and for the GPU what is missing), before any work.
 */
class DeviceOptionTest {
    @TempDir
    Path tmp;

    @Test
    void gpuWithoutCudaExitsTwoNamingWhatIsMissing() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        Path run = tmp.resolve("run");
        Path missing = tmp.resolve("missing.ckpt");
        List<String[]> commands = List.of(
                Cli.args(new String[] {"train", "--out", run.toString(), "--device", "gpu"}, Cli.TINY),
                Cli.args(
                        new String[] {
                            "distill",
                            "--out",
                            run.toString(),
                            "--device",
                            "gpu:0",
                            "--set",
                            "method=kd",
                            "--set",
                            "teacher=" + missing
                        },
                        Cli.TINY),
                new String[] {"precompute", "--teacher", missing.toString(), "--out", run.toString(), "--device", "gpu"
                },
                new String[] {"eval", missing.toString(), "--device", "gpu"},
                new String[] {
                    "explain",
                    "--checkpoint",
                    missing.toString(),
                    "--image",
                    "x.png",
                    "--out",
                    "m.npy",
                    "--device",
                    "gpu"
                });
        for (String[] args : commands) {
            String line = Cli.oneLineError(args);
            assertTrue(
                    line.startsWith("e2kd: device=gpu")
                            && line.contains("no CUDA GPU visible to DJL")
                            && line.contains("pytorch-native-cu"),
                    String.join(" ", args) + ": " + line);
        }
        assertFalse(Files.exists(run), "a refused run made no run folder");
    }

    @Test
    void aBadReplicaCountIsRefusedBeforeTheRunFolder() {
        Path run = tmp.resolve("run");
        for (String devices : List.of("two", "0")) {
            String line = Cli.oneLineError(
                    Cli.args(new String[] {"train", "--out", run.toString(), "--devices", devices}, Cli.TINY));
            assertTrue(line.startsWith("e2kd: devices=" + devices + " "), line);
        }
        assertFalse(Files.exists(run), "a refused run made no run folder");
    }
}
