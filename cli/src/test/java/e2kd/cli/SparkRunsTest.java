package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.EmbeddedSubsetMaker;
import e2kd.spark.SparkWorkers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --spark} in local mode (loopback only, two task slots of one libtorch thread) against the same commands in
 * one process at the same thread count: a 2 × 2 sweep (its runs' metrics, weights and selection bit for bit; one
 * task failed once after its run finished, and its retry found the run done; a rerun trains nothing), a teacher
 * precompute (the same files, byte for byte) and an evaluation with a teacher on data read through Hadoop's
 * FileSystem API from a {@code file://} URI (the same metrics), and a quick {@code reproduce} suite (the same
 * selections and table, bit for bit).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] RUN = Cli.args(Cli.TINY, new String[] {"--set", "epochs=1"});

    private Path tmp;
    private Path teacher;

    @BeforeAll
    void teacher(@TempDir Path dir) {
        tmp = dir;
        teacher = tmp.resolve("teacher");
        assertEquals(0, Main.run(Cli.args(new String[] {"train", "--out", teacher.toString()}, RUN)));
    }

    @Test
    void sweepOnSparkIsTheSequentialSweepAndARetriedTaskRedoesNoRun() throws IOException {
        String[] sweep = {"sweep", "--grid", "lr=0.001,0.003", "seed=1,2"};
        Path sequential = tmp.resolve("sequential");
        assertEquals(0, Main.run(Cli.args(sweep, new String[] {"--out", sequential.toString()}, RUN)));

        Path spark = tmp.resolve("spark");
        System.setProperty(SparkWorkers.FAIL_ONCE, "1");
        String log;
        try {
            log = Cli.stderr(Cli.args(sweep, new String[] {"--out", spark.toString(), "--spark"}, RUN));
        } finally {
            System.clearProperty(SparkWorkers.FAIL_ONCE);
        }
        assertTrue(log.contains("sweep: lr=0.001 seed=2 ran on executor driver (127.0.0.1), attempt 2"), log);
        assertTrue(log.contains("sweep: lr=0.001 seed=2: finished before"), "the retry trained again: " + log);
        for (String run : List.of("lr=0.001 seed=1", "lr=0.003 seed=1", "lr=0.003 seed=2")) {
            assertTrue(log.contains("sweep: " + run + " ran on executor driver (127.0.0.1), attempt 1"), log);
            assertTrue(log.contains("sweep: " + run + ": trained"), log);
        }

        JsonNode a = JSON.readTree(sequential.resolve("sweep.json").toFile());
        JsonNode b = JSON.readTree(spark.resolve("sweep.json").toFile());
        assertEquals(a.path("winner").path("values"), b.path("winner").path("values"));
        assertEquals(4, b.path("runs").size());
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    a.path("runs").get(i).path("val_top1"),
                    b.path("runs").get(i).path("val_top1"));
            String dir = a.path("runs").get(i).path("values").asText().replace(' ', ',');
            Path x = sequential.resolve(dir);
            Path y = spark.resolve(dir);
            assertEquals(RunFiles.withoutTiming(RunFiles.metrics(x)), RunFiles.withoutTiming(RunFiles.metrics(y)));
            assertEquals(withoutTiming(RunFiles.summary(x)), withoutTiming(RunFiles.summary(y)));
            assertEquals(Files.readString(x.resolve("config.yaml")), Files.readString(y.resolve("config.yaml")));
            RunFiles.assertSameWeights(x.resolve("best.ckpt"), y.resolve("best.ckpt"));
            RunFiles.assertSameWeights(x.resolve("last.ckpt"), y.resolve("last.ckpt"));
        }

        List<Long> written = new ArrayList<>();
        for (Path summary : summaries(spark)) {
            written.add(Files.getLastModifiedTime(summary).toMillis());
        }
        String again = Cli.stderr(Cli.args(sweep, new String[] {"--out", spark.toString(), "--spark"}, RUN));
        assertFalse(again.contains("ran on executor"), "a finished run went to a task again: " + again);
        List<Path> summaries = summaries(spark);
        for (int i = 0; i < summaries.size(); i++) {
            assertEquals(
                    written.get(i), Files.getLastModifiedTime(summaries.get(i)).toMillis(), summaries.get(i) + "");
        }
    }

    @Test
    void precomputeOnSparkWritesTheSameStoreByteForByte() throws IOException {
        String[] precompute = {"precompute", "--teacher", teacher.toString(), "--shard-size", "16"};
        Path sequential = tmp.resolve("store-sequential");
        Path spark = tmp.resolve("store-spark");
        assertEquals(0, Main.run(Cli.args(precompute, new String[] {"--out", sequential.toString()}, RUN)));
        String log = Cli.stderr(Cli.args(precompute, new String[] {"--out", spark.toString(), "--spark"}, RUN));
        // 60 training images in shards of 16: four shards, two tasks of two
        assertTrue(log.contains("precompute: shards 0-1 ran on executor"), log);
        assertTrue(log.contains("precompute: shards 2-3 ran on executor"), log);
        List<String> names;
        try (Stream<Path> files = Files.list(sequential)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(9, names.size(), "index and four shards of logits and maps: " + names);
        for (String name : names) {
            assertArrayEquals(
                    Files.readAllBytes(sequential.resolve(name)), Files.readAllBytes(spark.resolve(name)), name);
        }
    }

    @Test
    void evalOnSparkOfAFileUriHasTheSequentialMetrics() throws Exception {
        Path embedded = Files.createDirectories(tmp.resolve("embedded"));
        for (String file : List.of(
                "train-images-idx3-ubyte.gz",
                "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            try (InputStream in = SparkRunsTest.class.getResourceAsStream("/e2kd/data/fashion-mnist/" + file)) {
                Files.copy(in, embedded.resolve(file));
            }
        }
        // a Fashion-MNIST folder of 50 test images: four batches of 16, two tasks
        Path data = tmp.resolve("fashion-mnist");
        EmbeddedSubsetMaker.main(new String[] {embedded.toString(), data.toString(), "1", "5"});
        Path student = tmp.resolve("student");
        assertEquals(0, Main.run(Cli.args(new String[] {"train", "--out", student.toString()}, RUN, new String[] {
            "--set", "seed=8"
        })));
        String[] eval = {"eval", student.toString(), "--teacher", teacher.toString(), "--batch", "16", "--threads", "1"
        };
        JsonNode sequential = JSON.readTree(Cli.stdout(Cli.args(eval, new String[] {"--data", data.toString()})));
        Cli.Output onSpark =
                Cli.run(Cli.args(eval, new String[] {"--data", data.toUri().toString(), "--spark"}));
        assertEquals(0, onSpark.code(), onSpark.err());
        String log = onSpark.err();
        JsonNode spark = JSON.readTree(onSpark.out());
        assertTrue(log.contains("eval: samples 0-31 ran on executor"), log);
        assertTrue(log.contains("eval: samples 32-49 ran on executor"), log);
        assertEquals(50, sequential.path("count").asInt());
        assertTrue(sequential.path("agreement").isNumber()
                && sequential.path("explanation_similarity").isNumber());
        for (String field : List.of("count", "top1", "top5", "agreement", "explanation_similarity", "split")) {
            assertEquals(sequential.path(field), spark.path(field), field);
        }
        assertTrue(spark.path("data").asText().contains("e2kd-inputs"), "read from the Hadoop copy: " + spark);
    }

    @Test
    void reproduceOnSparkSelectsAndTabulatesAsTheSequentialRun() throws IOException {
        String[] reproduce = {"reproduce", "--suite", "demo", "--quick", "--threads", "1", "--json"};
        JsonNode sequential = JSON.readTree(Cli.stdout(Cli.args(
                reproduce,
                new String[] {"--out", tmp.resolve("reproduce-sequential").toString()})));
        Cli.Output onSpark = Cli.run(Cli.args(
                reproduce, new String[] {"--out", tmp.resolve("reproduce-spark").toString(), "--spark"}));
        assertEquals(0, onSpark.code(), onSpark.err());
        assertTrue(onSpark.err().contains("ran on executor"), "no run went to a Spark task: " + onSpark.err());
        JsonNode spark = JSON.readTree(onSpark.out());
        assertTrue(sequential.path("table").path("rows").size() > 1, sequential.toString());
        assertEquals(sequential.path("selected"), spark.path("selected"));
        assertEquals(sequential.path("table"), spark.path("table"), "the table's means and spreads, bit for bit");
    }

    private static JsonNode withoutTiming(JsonNode summary) {
        return ((ObjectNode) summary.deepCopy()).without(List.of("seconds", "images_per_second"));
    }

    private static List<Path> summaries(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals("summary.json"))
                    .sorted()
                    .toList();
        }
    }
}
