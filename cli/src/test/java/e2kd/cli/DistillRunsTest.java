package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import e2kd.nn.weights.ModelCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through {@link Main#run}: a tiny B-cos teacher from labels on the embedded Fashion-MNIST subset, then
 * KD and e²KD students; numbers are read back from the run directories.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistillRunsTest {
    private static final String[] TINY = Cli.TINY;

    @TempDir
    static Path tmp;

    Path teacher;

    @BeforeAll
    void trainTeacher() throws IOException {
        teacher = tmp.resolve("teacher");
        assertEquals(0, run("train", "--out", teacher.toString(), "--set", "epochs=2", "--set", "lr=0.003"));
        JsonNode summary = RunFiles.summary(teacher);
        double top1 = summary.path("top1").asDouble(-1);
        assertTrue(top1 >= 0 && top1 <= 1, "teacher top-1: " + summary);
        assertTrue(summary.path("agreement").isNull());
        assertTrue(Files.exists(teacher.resolve("best.ckpt")) && Files.exists(teacher.resolve("config.yaml")));
    }

    @Test
    void kdAndE2kdStudentsReportAgreementAndSimilarity() throws IOException {
        for (String method : List.of("kd", "e2kd")) {
            Path out = tmp.resolve("student-" + method);
            assertEquals(0, distill(out, "--method", method, "--set", "epochs=1"));
            JsonNode s = RunFiles.summary(out);
            assertEquals(method, s.path("method").asText());
            double[] expected = RunFiles.recomputed(out, teacher);
            assertEquals(expected[0], s.path("test_count").asInt(), "test images " + s);
            assertEquals(expected[1], s.path("top1").asDouble(), 1e-12, "top-1 " + s);
            assertEquals(expected[2], s.path("agreement").asDouble(), 1e-12, "agreement " + s);
            assertEquals(expected[3], s.path("explanation_similarity").asDouble(), 1e-5, "similarity " + s);
            JsonNode metrics = RunFiles.metrics(out).get(0);
            assertEquals(method.equals("kd"), metrics.path("loss_explanation").isNull(), metrics.toString());
        }
    }

    @Test
    void e2kdWithLambdaZeroIsBitIdenticalToKd() throws IOException {
        Path kd = tmp.resolve("kd0");
        Path e2kd = tmp.resolve("e2kd0");
        assertEquals(0, distill(kd, "--method", "kd", "--set", "epochs=1"));
        assertEquals(0, distill(e2kd, "--method", "e2kd", "--lambda", "0", "--set", "epochs=1"));
        assertEquals(RunFiles.withoutTiming(RunFiles.metrics(kd)), RunFiles.withoutTiming(RunFiles.metrics(e2kd)));
        RunFiles.assertSameWeights(kd.resolve("last.ckpt"), e2kd.resolve("last.ckpt"));
    }

    @Test
    void sameSeedSameMetrics() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        for (Path p : List.of(a, b)) {
            assertEquals(0, run("train", "--out", p.toString(), "--set", "epochs=1"));
        }
        assertEquals(RunFiles.withoutTiming(RunFiles.metrics(a)), RunFiles.withoutTiming(RunFiles.metrics(b)));
        RunFiles.assertSameWeights(a.resolve("last.ckpt"), b.resolve("last.ckpt"));
    }

    @Test
    void resumeContinuesExactlyWhereTheRunStopped() throws IOException {
        Path whole = tmp.resolve("whole");
        Path resumed = tmp.resolve("resumed");
        assertEquals(0, distill(whole, "--method", "kd", "--set", "epochs=2", "--set", "warmup_epochs=1"));
        assertEquals(
                0,
                distill(
                        resumed,
                        "--method",
                        "kd",
                        "--set",
                        "epochs=2",
                        "--set",
                        "warmup_epochs=1",
                        "--stop-after",
                        "1"));
        assertFalse(Files.exists(resumed.resolve("summary.json")));
        assertEquals(1, RunFiles.metrics(resumed).size());
        assertEquals(0, run("distill", "--resume", resumed.toString()));
        List<JsonNode> m = RunFiles.withoutTiming(RunFiles.metrics(resumed));
        assertEquals(List.of(1, 2), m.stream().map(n -> n.path("epoch").asInt()).toList());
        assertEquals(RunFiles.withoutTiming(RunFiles.metrics(whole)), m);
        RunFiles.assertSameWeights(whole.resolve("last.ckpt"), resumed.resolve("last.ckpt"));
        assertEquals(
                RunFiles.summary(whole).path("top1"), RunFiles.summary(resumed).path("top1"));
    }

    @Test
    void unknownConfigKeyIsOneLineError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = Main.run("train", "--out", tmp.resolve("bad").toString(), "--set", "learning_rate=0.1");
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        String text = err.toString().strip();
        assertFalse(text.contains("\n"), text);
        assertTrue(
                text.startsWith("e2kd: unknown config key 'learning_rate'") && text.contains("valid keys: model"),
                text);
    }

    @Test
    void teacherWithOtherClassCountNamesTheFile() throws IOException {
        Path out = tmp.resolve("wrong");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = Main.run(
                    "distill",
                    "--out",
                    out.toString(),
                    "--teacher",
                    teacherWithClasses(3).toString(),
                    "--method",
                    "kd");
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        assertTrue(err.toString().contains("three.ckpt") && err.toString().contains("3 classes"), err.toString());
    }

    private Path teacherWithClasses(int classes) throws IOException {
        Path file = tmp.resolve("three.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            e2kd.nn.Model model =
                    e2kd.nn.models.Models.create("bcos_resnet18", classes, Map.of("stem", "small", "base", "4"), m);
            ModelCheckpoint.save(file, model, e2kd.nn.models.Models.contract("bcos_resnet18", 28), null, Map.of());
        }
        return file;
    }

    private int distill(Path out, String... args) {
        List<String> all =
                new ArrayList<>(List.of("distill", "--out", out.toString(), "--teacher", teacher.toString()));
        all.addAll(Arrays.asList(args));
        return run(all.toArray(String[]::new));
    }

    private static int run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.contains("--resume")) {
            all.addAll(Arrays.asList(TINY));
        }
        return Main.run(all.toArray(String[]::new));
    }
}
