package e2kd.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark workers in local mode (two slots, loopback): results come back to the caller, a failing task does not
 * stop the others and is named in one line, a task failed once is retried, inputs named by {@code file:} URI are
 * copied through Hadoop's FileSystem API and paths are read where they are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkWorkersTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private SparkWorkers workers;

    @BeforeAll
    void start() {
        workers = SparkWorkers.start("local[2,2]", "test", 1, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(2, workers.slots());
    }

    @AfterAll
    void stop() {
        workers.close();
    }

    @Test
    void everyResultComesBackToItsTask() throws IOException {
        List<Integer> tasks = List.of(3, 1, 4, 1, 5);
        assertEquals(List.of(9, 1, 16, 1, 25), workers.map("squares", tasks, (t, here) -> t * t));
    }

    @Test
    void aFailedTaskIsNamedAfterTheOthersAreHandedOver() {
        Map<Integer, Integer> done = new TreeMap<>();
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> workers.run(
                        "halves",
                        List.of(2, 3, 4),
                        (t, here) -> {
                            if (t % 2 != 0) {
                                throw new IllegalArgumentException(t + " is odd");
                            }
                            return t / 2;
                        },
                        done::put));
        assertEquals(Map.of(0, 1, 2, 2), done);
        assertTrue(e.getMessage().startsWith("halves: 3 failed: "), e.getMessage());
        assertTrue(e.getMessage().contains("3 is odd"), e.getMessage());
    }

    @Test
    void aTaskFailedOnceIsRetried() throws IOException {
        System.setProperty(SparkWorkers.FAIL_ONCE, "1");
        List<String> results;
        try {
            results = workers.map("retried", List.of("a", "b"), (t, here) -> t + "!");
        } finally {
            System.clearProperty(SparkWorkers.FAIL_ONCE);
        }
        assertEquals(List.of("a!", "b!"), results);
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("retried: a ran on executor driver (127.0.0.1), attempt 1"), text);
        assertTrue(text.contains("retried: b ran on executor driver (127.0.0.1), attempt 2"), text);
    }

    @Test
    void fileUrisAreCopiedThroughHadoopAndPathsReadWhereTheyAre(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("data/sub"));
        Files.writeString(folder.resolve("a.txt"), "alpha");
        Files.writeString(tmp.resolve("data/b.txt"), "beta");
        String uri = tmp.resolve("data").toUri().toString();
        List<String> seen =
                workers.map("inputs", List.of(uri, tmp.resolve("data").toString()), (t, here) -> {
                    Path local = here.input(t);
                    List<String> content = new ArrayList<>(List.of(local.toString()));
                    content.add(Files.readString(local.resolve("sub/a.txt")));
                    content.add(Files.readString(local.resolve("b.txt")));
                    return String.join("|", content);
                });
        String[] copied = seen.get(0).split("\\|");
        assertNotEquals(tmp.resolve("data").toString(), copied[0]);
        assertTrue(copied[0].contains("e2kd-inputs"), copied[0]);
        assertEquals(List.of("alpha", "beta"), List.of(copied[1], copied[2]));
        assertEquals(tmp.resolve("data") + "|alpha|beta", seen.get(1));
        assertEquals(copied[0], workers.driver().input(uri).toString(), "one copy per process and URI");
    }

    @Test
    void aMasterThatIsNoneIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> SparkWorkers.start("runs/e2kd", "test", 1, System.err));
        assertTrue(e.getMessage().contains("--spark runs/e2kd is not a Spark master"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparkWorkers.start("local", "test", 0, System.err));
    }
}
