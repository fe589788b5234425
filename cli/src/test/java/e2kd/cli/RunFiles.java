package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.LabeledDataset;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainers;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.ConfigLoader;
import e2kd.train.Splits;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** What end-to-end tests read back from run directories, and the summary's test metrics recomputed independently. */
final class RunFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {}

    static JsonNode summary(Path run) throws IOException {
        return JSON.readTree(run.resolve("summary.json").toFile());
    }

    static List<JsonNode> metrics(Path run) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Metrics lines without their timing (images per second), which no two runs share. */
    static List<JsonNode> withoutTiming(List<JsonNode> lines) {
        return lines.stream()
                .map(n -> (JsonNode) ((ObjectNode) n.deepCopy()).without("images_per_second"))
                .toList();
    }

    /** The two checkpoints hold the same state dict, bit for bit. */
    static void assertSameWeights(Path a, Path b) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> x = ModelCheckpoint.load(a, m).model().stateDict();
            Map<String, NDArray> y = ModelCheckpoint.load(b, m).model().stateDict();
            assertEquals(x.keySet(), y.keySet());
            for (String k : x.keySet()) {
                assertArrayEquals(x.get(k).toByteArray(), y.get(k).toByteArray(), k);
            }
        }
    }

    /**
     * The summary's test metrics recomputed here, not by the Evaluator: the run's test split through its eval
     * transform and encoding in one batch, the teacher's explanation for its top-1 and the student's for the same class (the family's explainer).
     *
     * @return test images, top-1, agreement with the teacher, mean cosine of the explanations
     */
    static double[] recomputed(Path run, Path teacher) {
        return recomputed(run, m -> ModelCheckpoint.loadFrom(teacher, m).model());
    }

    /** As {@link #recomputed(Path, Path)} with the teacher built by {@code teacher} (e.g. from bare .pth weights). */
    static double[] recomputed(Path run, java.util.function.Function<NDManager, e2kd.nn.Model> teacher) {
        TrainConfig config =
                ConfigLoader.defaults().file(run.resolve("config.yaml")).resolve();
        LabeledDataset test = Splits.open(config).test();
        EvalTransform transform =
                new EvalTransform((int) Math.rint(config.imageSize() / config.evalCrop()), config.imageSize());
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.Loaded student = ModelCheckpoint.load(run.resolve("best.ckpt"), m);
            e2kd.nn.Model teacherModel = teacher.apply(m);
            int n = test.size();
            int size = config.imageSize();
            int channels = student.model().spec().options().inChannels();
            float[] pixels = new float[n * channels * size * size];
            for (int i = 0; i < n; i++) {
                Image raw = test.image(i);
                Image encoded = e2kd.train.Encodings.of(student.input())
                        .encode(transform
                                .sample(raw.height(), raw.width(), new SplittableRandom(0))
                                .apply(raw));
                System.arraycopy(encoded.data(), 0, pixels, i * encoded.data().length, encoded.data().length);
            }
            NDArray x = m.create(pixels, new Shape(n, channels, size, size));
            Explained t = Autograd.recording(
                    () -> Explainers.create("auto", teacherModel).explain(x, ClassChoice.top1()));
            Explained s = Autograd.recording(
                    () -> Explainers.create("auto", student.model()).explain(x, ClassChoice.fixed(t.classes())));
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
                cosines += dot / Math.sqrt(Math.max(a * b, 1e-16)); // the loss's ε = 1e-8 on the norm product
            }
            return new double[] {n, correct / n, agree / n, cosines / n};
        }
    }
}
