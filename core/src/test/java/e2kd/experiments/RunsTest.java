package e2kd.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import e2kd.io.E2kdIoException;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run cache of sweeps and reproduce suites: reuse by config and thread count, no silent reuse of another run. */
class RunsTest {
    private static final List<String> TINY_RUN = List.of(
            "model=bcos_resnet18",
            "model_options=stem=small,base=4",
            "data_dir=",
            "shots_per_class=3",
            "val_per_class=2",
            "test_limit=20",
            "epochs=1",
            "batch=30");

    @Test
    void sameConfigIsReusedOtherConfigIsAnErrorNamingTheFolder(@TempDir Path out) throws IOException {
        Path dir = out.resolve("runs/a");
        TrainConfig first = suite(out, 1).config("fmnist-teacher", TINY_RUN);
        Runs.Finished trained = runs().train("test", dir, first);
        long written = Files.getLastModifiedTime(dir.resolve("summary.json")).toMillis();

        Runs.Finished reused = runs().train("test", dir, first);
        assertEquals(trained.summary().toString(), reused.summary().toString());
        assertEquals(
                written, Files.getLastModifiedTime(dir.resolve("summary.json")).toMillis(), "retrained");

        // the thread count changes the numbers (docs/RESULTS.md): a run of another thread count is not reused
        TrainConfig otherThreads = suite(out, 2).config("fmnist-teacher", TINY_RUN);
        E2kdIoException mixed = assertThrows(E2kdIoException.class, () -> runs().train("test", dir, otherThreads));
        assertTrue(
                mixed.getMessage().contains(dir.resolve("config.yaml").toString())
                        && mixed.getMessage().contains("trained with threads=1 but this one runs with threads=2"),
                mixed.getMessage());
        assertEquals(
                written, Files.getLastModifiedTime(dir.resolve("summary.json")).toMillis(), "retrained");

        TrainConfig other = suite(out, 1)
                .config(
                        "fmnist-teacher",
                        TINY_RUN.stream()
                                .map(s -> s.equals("epochs=1") ? "epochs=2" : s)
                                .toList());
        E2kdIoException e = assertThrows(E2kdIoException.class, () -> runs().train("test", dir, other));
        assertTrue(
                e.getMessage().contains(dir.resolve("config.yaml").toString())
                        && e.getMessage().contains("another config"),
                e.getMessage());
    }

    private static ReproRuns suite(Path out, int threads) {
        return new ReproRuns(out, true, true, 1, threads, null, Workers.IN_PROCESS, quiet());
    }

    private static Runs runs() {
        return new Runs(Workers.IN_PROCESS, quiet());
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
