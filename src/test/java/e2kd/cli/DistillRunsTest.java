package e2kd.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.ndarray.types.Shape;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.LabeledDataset;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainers;
import e2kd.nn.Autograd;
import e2kd.nn.ModelCheckpoint;
import e2kd.train.ConfigLoader;
import e2kd.train.Splits;
import e2kd.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through {@link Main#run}: a tiny B-cos teacher from labels on the embedded Fashion-MNIST subset, then
 * KD and e²KD students; numbers are read back from the run directories.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistillRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TINY = Cli.TINY;

    @TempDir
    static Path tmp;
    Path teacher;

    @BeforeAll
    void trainTeacher() throws IOException {
        teacher = tmp.resolve("teacher");
        assertEquals(0, run("train", "--out", teacher.toString(), "--set", "epochs=2", "--set", "lr=0.003"));
        JsonNode summary = summary(teacher);
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
            JsonNode s = summary(out);
            assertEquals(method, s.path("method").asText());
            double[] expected = recomputed(out);
            assertEquals(expected[0], s.path("test_count").asInt(), "test images " + s);
            assertEquals(expected[1], s.path("top1").asDouble(), 1e-12, "top-1 " + s);
            assertEquals(expected[2], s.path("agreement").asDouble(), 1e-12, "agreement " + s);
            assertEquals(expected[3], s.path("explanation_similarity").asDouble(), 1e-5, "similarity " + s);
            JsonNode metrics = metrics(out).get(0);
            assertEquals(method.equals("kd"), metrics.path("loss_explanation").isNull(), metrics.toString());
        }
    }

    @Test
    void e2kdWithLambdaZeroIsBitIdenticalToKd() throws IOException {
        Path kd = tmp.resolve("kd0");
        Path e2kd = tmp.resolve("e2kd0");
        assertEquals(0, distill(kd, "--method", "kd", "--set", "epochs=1"));
        assertEquals(0, distill(e2kd, "--method", "e2kd", "--lambda", "0", "--set", "epochs=1"));
        assertEquals(withoutTiming(metrics(kd)), withoutTiming(metrics(e2kd)));
        assertSameWeights(kd.resolve("last.ckpt"), e2kd.resolve("last.ckpt"));
    }

    @Test
    void sameSeedSameMetrics() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        for (Path p : List.of(a, b)) {
            assertEquals(0, run("train", "--out", p.toString(), "--set", "epochs=1"));
        }
        assertEquals(withoutTiming(metrics(a)), withoutTiming(metrics(b)));
        assertSameWeights(a.resolve("last.ckpt"), b.resolve("last.ckpt"));
    }

    @Test
    void resumeContinuesExactlyWhereTheRunStopped() throws IOException {
        Path whole = tmp.resolve("whole");
        Path resumed = tmp.resolve("resumed");
        assertEquals(0, distill(whole, "--method", "kd", "--set", "epochs=2", "--set", "warmup_epochs=1"));
        assertEquals(0, distill(resumed, "--method", "kd", "--set", "epochs=2", "--set", "warmup_epochs=1",
                "--stop-after", "1"));
        assertFalse(Files.exists(resumed.resolve("summary.json")));
        assertEquals(1, metrics(resumed).size());
        assertEquals(0, run("distill", "--resume", resumed.toString()));
        List<JsonNode> m = withoutTiming(metrics(resumed));
        assertEquals(List.of(1, 2), m.stream().map(n -> n.path("epoch").asInt()).toList());
        assertEquals(withoutTiming(metrics(whole)), m);
        assertSameWeights(whole.resolve("last.ckpt"), resumed.resolve("last.ckpt"));
        assertEquals(summary(whole).path("top1"), summary(resumed).path("top1"));
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
        assertTrue(text.startsWith("e2kd: unknown config key 'learning_rate'") && text.contains("valid keys: model"), text);
    }

    @Test
    void teacherWithOtherClassCountNamesTheFile() throws IOException {
        Path out = tmp.resolve("wrong");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int code;
        try {
            code = Main.run("distill", "--out", out.toString(), "--teacher", teacherWithClasses(3).toString(),
                    "--method", "kd");
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        assertTrue(err.toString().contains("three.ckpt") && err.toString().contains("3 classes"), err.toString());
    }

    private Path teacherWithClasses(int classes) throws IOException {
        Path file = tmp.resolve("three.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            e2kd.nn.Model model = e2kd.nn.Models.create("bcos_resnet18", classes, Map.of("stem", "small", "base", "4"), m);
            ModelCheckpoint.save(file, model, e2kd.nn.InputContract.forModel("bcos_resnet18", 28), null, Map.of());
        }
        return file;
    }

    /**
     * The summary's test metrics recomputed here, not by the Evaluator: the run's test split through its eval
     * transform and encoding in one batch, the teacher's W(x) for its top-1 and the student's for the same class.
     *
     * @return test images, top-1, agreement with the teacher, mean cosine of the explanations
     */
    private double[] recomputed(Path run) {
        TrainConfig config = ConfigLoader.defaults().file(run.resolve("config.yaml")).resolve();
        LabeledDataset test = Splits.open(config).test();
        EvalTransform transform = new EvalTransform((int) Math.rint(config.imageSize() / config.evalCrop()),
                config.imageSize());
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded student = ModelCheckpoint.load(run.resolve("best.ckpt"), m);
            ModelCheckpoint.Loaded teacherModel = ModelSources.checkpoint(teacher, m);
            int n = test.size();
            int size = config.imageSize();
            int channels = student.model().spec().options().inChannels();
            float[] pixels = new float[n * channels * size * size];
            for (int i = 0; i < n; i++) {
                Image raw = test.image(i);
                Image encoded = ModelSources.encoding(student.input())
                        .encode(transform.sample(raw.height(), raw.width(), new SplittableRandom(0)).apply(raw));
                System.arraycopy(encoded.data(), 0, pixels, i * encoded.data().length, encoded.data().length);
            }
            NDArray x = m.create(pixels, new Shape(n, channels, size, size));
            Explained t = Autograd.recording(() -> Explainers.create("auto", teacherModel.model())
                    .explain(x, ClassChoice.top1()));
            Explained s = Autograd.recording(() -> Explainers.create("auto", student.model())
                    .explain(x, ClassChoice.fixed(t.classes())));
            long[] taught = t.classes().toLongArray();
            float[] logits = s.logits().toFloatArray();
            float[] tm = t.map().toFloatArray();
            float[] sm = s.map().toFloatArray();
            int classes = logits.length / n;
            int per = tm.length / n;
            double correct = 0;
            double agree = 0;
            double cosines = 0;
            for (int i = 0; i < n; i++) {
                int top = 0;
                for (int k = 1; k < classes; k++) {
                    top = logits[i * classes + k] > logits[i * classes + top] ? k : top;
                }
                correct += top == test.label(i) ? 1 : 0;
                agree += top == taught[i] ? 1 : 0;
                double dot = 0;
                double a = 0;
                double b = 0;
                for (int j = i * per; j < (i + 1) * per; j++) {
                    dot += (double) tm[j] * sm[j];
                    a += (double) tm[j] * tm[j];
                    b += (double) sm[j] * sm[j];
                }
                cosines += dot / Math.sqrt(a * b);
            }
            return new double[] {n, correct / n, agree / n, cosines / n};
        }
    }

    private int distill(Path out, String... args) {
        List<String> all = new ArrayList<>(List.of("distill", "--out", out.toString(), "--teacher", teacher.toString()));
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

    private static JsonNode summary(Path run) throws IOException {
        return JSON.readTree(run.resolve("summary.json").toFile());
    }

    private static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<JsonNode> withoutTiming(List<JsonNode> lines) {
        return lines.stream().map(n -> (JsonNode) ((ObjectNode) n.deepCopy()).without("images_per_second")).toList();
    }

    private static void assertSameWeights(Path a, Path b) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> x = ModelCheckpoint.load(a, m).model().stateDict();
            Map<String, NDArray> y = ModelCheckpoint.load(b, m).model().stateDict();
            assertEquals(x.keySet(), y.keySet());
            for (String k : x.keySet()) {
                assertArrayEquals(x.get(k).toByteArray(), y.get(k).toByteArray(), k);
            }
        }
    }
}
