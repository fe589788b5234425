package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.FashionMnist;
import e2kd.data.Image;
import e2kd.data.LabeledDataset;
import e2kd.io.NpyReader;
import e2kd.io.PthWriter;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.Model;
import e2kd.nn.weights.ModelCheckpoint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval}, {@code explain} and {@code report} end to end through {@link Main#run} on a tiny B-cos teacher and
 * KD student trained on the embedded Fashion-MNIST subset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvalExplainReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TINY = {
        "--set",
        "model=bcos_resnet18",
        "--set",
        "model_options=stem=small,base=4",
        "--set",
        "shots_per_class=2",
        "--set",
        "val_per_class=1",
        "--set",
        "test_limit=10",
        "--set",
        "batch=20",
        "--set",
        "image_size=28",
        "--set",
        "seed=3",
        "--set",
        "epochs=1"
    };

    @TempDir
    static Path tmp;

    Path teacher;
    Path student;
    Path image;

    @BeforeAll
    void trainTeacherAndStudent() throws IOException {
        teacher = tmp.resolve("teacher");
        student = tmp.resolve("student");
        assertEquals(0, run("train", "--out", teacher.toString()).code);
        assertEquals(
                0, run("distill", "--teacher", teacher.toString(), "--method", "kd", "--out", student.toString()).code);
        image = tmp.resolve("item.png");
        png(FashionMnist.embedded().test().image(0), image);
    }

    @Test
    void evalMatchesTheRunSummaryAndAddsTopFive() throws IOException {
        Result r = run("eval", student.toString(), "--teacher", teacher.toString());
        assertEquals(0, r.code, r.err);
        JsonNode json = JSON.readTree(r.out);
        JsonNode summary = JSON.readTree(student.resolve("summary.json").toFile());
        assertEquals(10, json.path("count").asInt());
        assertEquals(summary.path("top1").asDouble(), json.path("top1").asDouble(), 1e-12);
        assertEquals(
                summary.path("agreement").asDouble(), json.path("agreement").asDouble(), 1e-12);
        assertEquals(
                summary.path("explanation_similarity").asDouble(),
                json.path("explanation_similarity").asDouble(),
                1e-6);
        assertTrue(json.path("top5").asDouble() >= json.path("top1").asDouble()
                && json.path("top5").asDouble() <= 1);
        assertFalse(json.has("localization"), "no boxes, no localization section: " + r.out);
        assertTrue(json.path("provenance").isNull(), "a run's best.ckpt records no provenance: " + r.out);

        JsonNode alone = JSON.readTree(run("eval", student.toString()).out);
        assertTrue(
                alone.path("agreement").isNull()
                        && alone.path("explanation_similarity").isNull(),
                alone.toString());
        assertEquals(json.path("top1"), alone.path("top1"));
    }

    /**
     * EPG is the share of positive contribution inside the box: a box over the whole image gives exactly 1, and the
     * left and right halves (x1 exclusive) share it, adding up to 1, for the student and the teacher alike.
     */
    @Test
    void evalOnAnImageFolderWithBoxesReportsEpg() throws IOException {
        Path root = tmp.resolve("boxed");
        LabeledDataset test = FashionMnist.embedded().test();
        for (int k = 0; k < 10; k++) {
            Path dir = Files.createDirectories(root.resolve("val/class" + k));
            png(test.image(k), dir.resolve("0.png"));
        }
        Path list = root.resolve("boxes.csv");
        JsonNode whole = epg(root, list, "0,0,28,28");
        JsonNode left = epg(root, list, "0,0,14,28");
        JsonNode right = epg(root, list, "14,0,28,28");
        int count = whole.path("count").asInt();
        assertTrue(count > 0 && count <= 10, whole.toString());
        assertEquals(count, left.path("count").asInt(), left.toString());
        assertEquals(count, right.path("count").asInt(), right.toString());
        for (String key : new String[] {"epg", "teacher_epg"}) {
            assertEquals(1.0, whole.path(key).asDouble(), 1e-12, key + " of the whole image " + whole);
            assertEquals(
                    1.0,
                    left.path(key).asDouble() + right.path(key).asDouble(),
                    1e-9,
                    key + " of two halves " + left + " " + right);
            assertTrue(left.path(key).asDouble() > 0 && right.path(key).asDouble() > 0, left + " " + right);
        }

        Files.writeString(list, "img_filename,x0,y0,x1,y1\nval/class0/0.png,6,3,29,27\n");
        Result bad = run("eval", student.toString(), "--data", root.toString(), "--boxes", list.toString());
        assertEquals(2, bad.code);
        assertTrue(bad.err.strip().lines().count() == 1 && bad.err.contains("boxes.csv line 2:"), bad.err);
    }

    /** The localization section of {@code eval --boxes} with the same box around every test image. */
    private JsonNode epg(Path root, Path list, String box) throws IOException {
        StringBuilder boxes = new StringBuilder("img_filename,x0,y0,x1,y1\n");
        for (int k = 0; k < 10; k++) {
            boxes.append("val/class").append(k).append("/0.png,").append(box).append('\n');
        }
        Files.writeString(list, boxes);
        Result r = run(
                "eval",
                student.toString(),
                "--teacher",
                teacher.toString(),
                "--data",
                root.toString(),
                "--boxes",
                list.toString());
        assertEquals(0, r.code, r.err);
        return JSON.readTree(r.out).path("localization");
    }

    @Test
    void explainWritesTheRawMapAndAPicture() throws IOException {
        Path npy = tmp.resolve("w.npy");
        Result r = run(
                "explain", "--checkpoint", teacher.toString(), "--image", image.toString(), "--out", npy.toString());
        assertEquals(0, r.code, r.err);
        Matcher top = Pattern.compile("class (\\d+) logit (-?\\d+\\.\\d+) .*")
                .matcher(r.out.lines().findFirst().orElse(""));
        assertTrue(top.matches(), r.out);
        // the logit of every class, one --class run each: the default explains the largest, and prints it
        double[] logits = new double[10];
        for (int k = 0; k < 10; k++) {
            Result each = run(
                    "explain",
                    "--checkpoint",
                    teacher.toString(),
                    "--image",
                    image.toString(),
                    "--class",
                    Integer.toString(k),
                    "--out",
                    tmp.resolve("w" + k + ".npy").toString());
            Matcher m = Pattern.compile("class " + k + " logit (-?\\d+\\.\\d+) .*")
                    .matcher(each.out.lines().findFirst().orElse(""));
            assertTrue(m.matches(), each.out);
            logits[k] = Double.parseDouble(m.group(1));
        }
        int argmax = 0;
        for (int k = 1; k < 10; k++) {
            argmax = logits[k] > logits[argmax] ? k : argmax;
        }
        assertTrue(java.util.Arrays.stream(logits).distinct().count() > 1, java.util.Arrays.toString(logits));
        assertEquals(argmax, Integer.parseInt(top.group(1)), "top-1 of " + java.util.Arrays.toString(logits));
        assertEquals(logits[argmax], Double.parseDouble(top.group(2)), 0, r.out);
        TensorData map = NpyReader.read(npy);
        assertArrayEquals(new long[] {6, 28, 28}, map.shape());

        Path picture = tmp.resolve("w.png");
        Result third = run(
                "explain",
                "--checkpoint",
                teacher.toString(),
                "--image",
                image.toString(),
                "--class",
                "3",
                "--out",
                picture.toString());
        assertTrue(third.out.startsWith("class 3 logit "), third.out);
        Result json = run(
                "explain",
                "--json",
                "--checkpoint",
                teacher.toString(),
                "--image",
                image.toString(),
                "--out",
                tmp.resolve("again.npy").toString());
        com.fasterxml.jackson.databind.JsonNode j =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out);
        assertEquals(argmax, j.get("class").asInt(), json.out);
        assertEquals(logits[argmax], j.get("logit").asDouble(), 1e-6, json.out);
        BufferedImage png = ImageIO.read(picture.toFile());
        assertEquals(28, png.getWidth());
        assertTrue(png.getColorModel().hasAlpha());
    }

    @Test
    void explainReadsBareWeightsByName() throws IOException {
        Path pth = tmp.resolve("teacher.pth");
        double expectedLogit;
        long expectedClass;
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = ModelCheckpoint.load(teacher.resolve("best.ckpt"), m).model();
            StateDict sd = new StateDict();
            for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                NDArray a = e.getValue();
                long[] shape = a.getShape().getShape();
                sd.put(
                        e.getKey(),
                        a.getDataType() == DataType.INT64
                                ? TensorData.ofLongs(shape, a.toLongArray())
                                : TensorData.ofFloats(
                                        shape, a.toType(DataType.FLOAT32, false).toFloatArray()));
            }
            PthWriter.write(sd, pth);
            // --preprocess none feeds the 28x28 image as it is: [r, g, b, 1-r, 1-g, 1-b].
            float[] rgb = FashionMnist.embedded().test().image(0).data();
            float[] six = new float[2 * rgb.length];
            for (int i = 0; i < rgb.length; i++) {
                six[i] = Math.round(rgb[i] * 255) / 255f;
                six[rgb.length + i] = 1 - six[i];
            }
            NDArray logits = e2kd.nn.ops.Autograd.noGrad(() -> model.forward(m.create(six, new Shape(1, 6, 28, 28))));
            expectedClass = logits.argMax(1).getLong(0);
            expectedLogit = logits.getFloat(0, expectedClass);
        }
        Result r = run(
                "explain",
                "--model",
                "bcos_resnet18",
                "--weights",
                pth.toString(),
                "--image",
                image.toString(),
                "--preprocess",
                "none",
                "--out",
                tmp.resolve("bare.npy").toString());
        assertEquals(0, r.code, r.err);
        Matcher line = Pattern.compile("class (\\d+) logit (\\S+) ").matcher(r.out);
        assertTrue(line.find(), r.out);
        assertEquals(expectedClass, Long.parseLong(line.group(1)));
        assertEquals(expectedLogit, Double.parseDouble(line.group(2)), 1e-4);
    }

    @Test
    void reportsAreSelfContained() throws IOException {
        String single = Files.readString(teacher.resolve("report.html"), StandardCharsets.UTF_8);
        assertTrue(single.contains("<svg") && single.contains("data:image/png;base64,"), "teacher report");
        Path both = tmp.resolve("both.html");
        Result r = run("report", "--json", teacher.toString(), student.toString(), "--out", both.toString());
        assertEquals(0, r.code, r.err);
        JsonNode printed = JSON.readTree(r.out);
        assertEquals(both.toString(), printed.path("out").asText(), r.out);
        assertEquals(
                List.of(teacher.toString(), student.toString()), JSON.convertValue(printed.path("runs"), List.class));
        String html = Files.readString(both, StandardCharsets.UTF_8);
        for (String column : new String[] {
            ">input<", ">teacher<", ">student<", "validation agreement", "explanation similarity", ">kd<"
        }) {
            assertTrue(html.contains(column), column);
        }
        // the metrics table shows each run's summary.json values (4 decimals below 100)
        for (String[] row : new String[][] {
            {"test top-1", "top1"},
            {"test top-5", "top5"},
            {"agreement", "agreement"},
            {"explanation similarity", "explanation_similarity"}
        }) {
            StringBuilder expected = new StringBuilder("<tr><td>" + row[0] + "</td>");
            for (Path run : new Path[] {teacher, student}) {
                JsonNode v = JSON.readTree(run.resolve("summary.json").toFile()).path(row[1]);
                expected.append("<td>")
                        .append(v.isNumber() ? String.format(java.util.Locale.ROOT, "%.4f", v.asDouble()) : "—")
                        .append("</td>");
            }
            assertTrue(html.contains(expected + "</tr>"), "report lacks " + expected);
        }
        String withoutSvgNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertFalse(withoutSvgNamespace.matches("(?s).*(src|href)=\"(?!data:)[^\"]+\".*"), "external resource");
        assertFalse(withoutSvgNamespace.contains("http"), "external reference");
    }

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = args;
            if (args[0].equals("train") || args[0].equals("distill")) {
                all = new String[args.length + TINY.length];
                System.arraycopy(args, 0, all, 0, args.length);
                System.arraycopy(TINY, 0, all, args.length, TINY.length);
            }
            int code = Main.run(all);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static void png(Image rgb, Path file) throws IOException {
        BufferedImage out = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                int v = Math.round(rgb.get(0, y, x) * 255);
                out.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        ImageIO.write(out, "png", file.toFile());
    }
}
