package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import e2kd.data.Encoding;
import e2kd.data.EvalTransform;
import e2kd.data.GeometricTransform;
import e2kd.data.Image;
import e2kd.data.VocDataset;
import e2kd.data.VocFixture;
import e2kd.explain.ClassChoice;
import e2kd.explain.Contributions;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.frozen.FrozenTeacherStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PASCAL VOC end to end on a generated miniature VOC folder ({@link VocFixture}): {@code config show} and
 * {@code train} / {@code distill --data VOC} train multi-label (BCE from labels, sigmoid KD), {@code eval} reports
 * top-1 among each image's classes, agreement, explanation similarity for the labelled class the teacher scores
 * highest and the energy pointing game per class, each recomputed here image by image; and
 * {@code reproduce --suite localization --data VOC --json}.
 */
class VocRunsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SIZE = 32;
    private static final String[] TINY = {
        "--set", "model=bcos_resnet18",
        "--set", "model_options=stem=small,base=4",
        "--set", "image_size=" + SIZE,
        "--set", "shots_per_class=all",
        "--set", "val_per_class=1",
        "--set", "batch=16",
        "--set", "epochs=1",
        "--set", "scale_min=0.5",
        "--set", "seed=3",
        "--set", "threads=1"
    };

    @TempDir
    static Path tmp;

    private static Path voc;

    @BeforeAll
    static void folder() throws IOException {
        voc = VocFixture.write(tmp.resolve("voc"), 24, 8, 5);
    }

    @Test
    void trainDistillAndEvalAreMultiLabel() throws IOException {
        JsonNode shown = JSON.readTree(Cli.stdout(
                "config", "show", "--json", "--data", voc.toString(), "--set", "method=e2kd", "--set", "tau=2"));
        assertEquals("voc", shown.path("data").asText());
        assertEquals("sigmoid_kd", shown.at("/loss/0/name").asText(), shown.toString());
        assertEquals(2.0, shown.at("/loss/0/tau").asDouble());
        assertEquals("explanation", shown.at("/loss/1/name").asText());

        Path teacher = tmp.resolve("teacher");
        Cli.stdout(Cli.args(new String[] {"train", "--data", voc.toString(), "--out", teacher.toString()}, TINY));
        JsonNode teacherConfig =
                new YAMLMapper().readTree(teacher.resolve("config.yaml").toFile());
        assertEquals("ground_truth", teacherConfig.at("/loss/0/name").asText());
        Path student = tmp.resolve("student");
        JsonNode summary = JSON.readTree(Cli.stdout(Cli.args(
                new String[] {
                    "distill",
                    "--json",
                    "--data",
                    voc.toString(),
                    "--teacher",
                    teacher.toString(),
                    "--method",
                    "e2kd",
                    "--out",
                    student.toString()
                },
                TINY)));
        assertEquals(JSON.readTree(student.resolve("summary.json").toFile()), summary);
        assertTrue(Files.readString(student.resolve("config.yaml")).contains("sigmoid_kd"));
        assertTrue(RunFiles.metrics(student).get(0).has("loss_sigmoid_kd"), "the KD term is logged under its name");
        // frozen: the stored maps are of the labelled class the teacher scores highest, as the live teacher's
        Path frozen = tmp.resolve("frozen");
        Cli.stdout(Cli.args(
                new String[] {
                    "precompute", "--data", voc.toString(), "--teacher", teacher.toString(), "--out", frozen.toString()
                },
                TINY));
        Path frozenStudent = tmp.resolve("frozen-student");
        Cli.stdout(Cli.args(
                new String[] {
                    "distill",
                    "--data",
                    voc.toString(),
                    "--method",
                    "e2kd-frozen",
                    "--frozen",
                    frozen.toString(),
                    "--out",
                    frozenStudent.toString()
                },
                TINY));
        assertTrue(RunFiles.metrics(frozenStudent).get(0).has("loss_sigmoid_kd"));
        assertFrozenMapIsOfTheLabelledClass(frozen, teacher.resolve("best.ckpt"));
        // from Java with the caller's VOC data sets and no terms: the data set, not the config, says multi-label
        Path api = tmp.resolve("api");
        e2kd.api.Distillation.builder()
                .teacher(teacher)
                .student("bcos_resnet18", java.util.Map.of("stem", "small", "base", "4"))
                .data(VocDataset.open(voc, "train"), VocDataset.open(voc, "val"), VocDataset.open(voc, "val"))
                .set("epochs", 1)
                .set("image_size", SIZE)
                .set("threads", 1)
                .run(api);
        assertTrue(Files.readString(api.resolve("config.yaml")).contains("name: \"sigmoid_kd\""));

        JsonNode eval = JSON.readTree(Cli.stdout(
                "eval",
                student.toString(),
                "--teacher",
                teacher.toString(),
                "--data",
                voc.toString(),
                "--threads",
                "1"));
        assertEquals("val", eval.path("split").asText());
        Recomputed r = recompute(student.resolve("best.ckpt"), teacher.resolve("best.ckpt"));
        assertEquals(8, eval.path("count").asInt());
        assertEquals(r.top1, eval.path("top1").asDouble(), 1e-12, eval.toString());
        assertEquals(r.agreement, eval.path("agreement").asDouble(), 1e-12, eval.toString());
        assertEquals(r.similarity, eval.path("explanation_similarity").asDouble(), 1e-5, eval.toString());
        JsonNode localization = eval.path("localization");
        int pairs = 0;
        double sum = 0;
        for (int c = 0; c < VocDataset.CLASSES.size(); c++) {
            JsonNode perClass = localization.path("per_class").path(VocDataset.CLASSES.get(c));
            assertEquals(r.counts[c], perClass.path("count").asInt(0), VocDataset.CLASSES.get(c) + " " + localization);
            if (r.counts[c] > 0) {
                assertEquals(r.sums[c] / r.counts[c], perClass.path("epg").asDouble(), 1e-5, localization.toString());
                assertTrue(perClass.path("teacher_epg").isNumber(), localization.toString());
                pairs += r.counts[c];
                sum += r.sums[c];
            }
        }
        assertTrue(pairs > 8, "several classes per image are scored: " + pairs);
        assertEquals(pairs, localization.path("count").asInt());
        assertEquals(sum / pairs, localization.path("epg").asDouble(), 1e-5);
    }

    @Test
    void localizationSuiteRunsOnAVocFolder() throws IOException {
        Path out = tmp.resolve("repro");
        JsonNode result = JSON.readTree(Cli.stdout(
                "reproduce",
                "--suite",
                "localization",
                "--quick",
                "--tiny",
                "--json",
                "--data",
                voc.toString(),
                "--out",
                out.toString()));
        String table = Files.readString(out.resolve("localization.md"));
        assertTrue(table.contains("PASCAL VOC") && table.contains("8 val images"), table);
        assertEquals(List.of("EPG", "test top-1"), JSON.convertValue(result.at("/table/columns"), List.class));
        List<String> rows = new ArrayList<>();
        result.at("/table/rows").fieldNames().forEachRemaining(rows::add);
        assertEquals(List.of("teacher", "KD student", "e2KD student"), rows);
        for (String row : rows) {
            double epg = result.path("table")
                    .path("rows")
                    .path(row)
                    .path("EPG")
                    .path("mean")
                    .asDouble(-1);
            assertTrue(epg >= 0 && epg <= 1, row + ": " + result);
            String cell = String.format(java.util.Locale.ROOT, "%.3f ± 0.000", epg);
            assertTrue(table.lines().anyMatch(l -> l.startsWith("| " + row + " |") && l.contains(cell)), cell + table);
        }
        assertTrue(Files.readString(out.resolve("teachers/localization-voc-bcos/config.yaml"))
                .contains("data: \"voc\""));
        List<String> students;
        try (var files = Files.walk(out.resolve("runs"))) {
            students = files.filter(p -> p.getFileName().toString().equals("config.yaml"))
                    .map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
        assertTrue(
                students.size() >= 2 && students.stream().allMatch(c -> c.contains("name: \"sigmoid_kd\"")),
                students.toString());
    }

    /**
     * The map precompute stored for the first training image is the teacher's explanation of the labelled class its
     * stored logits score highest, recomputed on the whole image resized to the run's size.
     */
    private static void assertFrozenMapIsOfTheLabelledClass(Path frozen, Path teacherCheckpoint) {
        VocDataset train = VocDataset.open(voc, "train");
        try (FrozenTeacherStore store = FrozenTeacherStore.open(frozen);
                NDManager m = NDManager.newBaseManager()) {
            int source = store.index().path("source_indices").get(0).asInt();
            float[] z = store.logits(store.row(source));
            int explained = -1;
            for (int c : train.classes(source)) {
                explained = explained < 0 || z[c] > z[explained] ? c : explained;
            }
            Image raw = train.image(source);
            Image encoded = Encoding.bcos()
                    .encode(GeometricTransform.crop(
                                    raw.height(), raw.width(), 0, 0, raw.height(), raw.width(), SIZE, SIZE, false)
                            .apply(raw));
            NDArray x = m.create(encoded.data(), new Shape(1, 6, SIZE, SIZE));
            Model teacher = ModelCheckpoint.load(teacherCheckpoint, m).model();
            NDArray expected =
                    explain(Explainers.create("auto", teacher), x, explained).map();
            Image stored = store.map(store.row(source));
            e2kd.Close.relative(
                    m.create(stored.data(), expected.getShape()), expected, 1e-5, "stored map of class " + explained);
        }
    }

    /** Per val image and class, the student's EPG; top-1, agreement and explanation similarity, all by hand. */
    private record Recomputed(double top1, double agreement, double similarity, int[] counts, double[] sums) {}

    private static Recomputed recompute(Path studentCheckpoint, Path teacherCheckpoint) {
        VocDataset val = VocDataset.open(voc, "val");
        EvalTransform transform = EvalTransform.standard(SIZE);
        int[] counts = new int[VocDataset.CLASSES.size()];
        double[] sums = new double[counts.length];
        double top1 = 0;
        double agree = 0;
        double similarity = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            Model student = ModelCheckpoint.load(studentCheckpoint, m).model();
            Model teacher = ModelCheckpoint.load(teacherCheckpoint, m).model();
            Explainer se = Explainers.create("auto", student);
            Explainer te = Explainers.create("auto", teacher);
            for (int i = 0; i < val.size(); i++) {
                Image raw = val.image(i);
                GeometricTransform g = transform.sample(raw.height(), raw.width(), new SplittableRandom(0));
                Image encoded = Encoding.bcos().encode(g.apply(raw));
                NDArray x = m.create(encoded.data(), new Shape(1, 6, SIZE, SIZE));
                int[] classes = val.classes(i);
                float[] zt = Autograd.noGrad(() -> teacher.forward(x)).toFloatArray();
                float[] zs = Autograd.noGrad(() -> student.forward(x)).toFloatArray();
                int explained = classes[0];
                for (int c : classes) {
                    explained = zt[c] > zt[explained] ? c : explained;
                }
                int studentTop = argmax(zs);
                top1 += java.util.Arrays.stream(classes).anyMatch(c -> c == studentTop) ? 1 : 0;
                agree += studentTop == argmax(zt) ? 1 : 0;
                similarity += cosine(
                        explain(te, x, explained).map(),
                        explain(se, x, explained).map());
                for (int c : classes) {
                    Explained e = explain(se, x, c);
                    float[] a = Contributions.of(se, e, x).toFloatArray();
                    float[] mask = g.apply(val.boxes(i, c).mask()).data();
                    double inside = 0;
                    double total = 0;
                    boolean boxed = false;
                    for (int k = 0; k < a.length; k++) {
                        double positive = Math.max(a[k], 0);
                        total += positive;
                        inside += mask[k] >= 0.5f ? positive : 0;
                        boxed |= mask[k] >= 0.5f;
                    }
                    if (total > 0 && boxed) {
                        counts[c]++;
                        sums[c] += inside / total;
                    }
                }
            }
        }
        int n = val.size();
        return new Recomputed(top1 / n, agree / n, similarity / n, counts, sums);
    }

    private static Explained explain(Explainer explainer, NDArray x, int c) {
        return Autograd.recording(() ->
                explainer.explain(x, ClassChoice.fixed(x.getManager().create(new long[] {c}))));
    }

    private static int argmax(float[] z) {
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            best = z[k] > z[best] ? k : best;
        }
        return best;
    }

    private static double cosine(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double dot = 0;
        double xx = 0;
        double yy = 0;
        for (int k = 0; k < x.length; k++) {
            dot += (double) x[k] * y[k];
            xx += (double) x[k] * x[k];
            yy += (double) y[k] * y[k];
        }
        return dot / Math.sqrt(Math.max(xx * yy, 1e-16));
    }
}
