package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.TorchPython;
import e2kd.distill.criteria.SigmoidKdLoss;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.io.NpyReader;
import e2kd.io.NpyWriter;
import e2kd.io.TensorData;
import e2kd.nn.GroundTruthLoss;
import e2kd.nn.Model;
import e2kd.nn.ModelFamily;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.train.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-label terms (METHOD.md §7) in float64: KD on per-class sigmoids, the multi-label BCE and the explained
 * class (the labelled class of highest teacher logit) by hand and against the PyTorch restatement
 * scripts/multilabel_reference.py, values and gradients; and which of them {@link Labelling} picks.
 */
class MultiLabelTermsTest {
    private static final double[] TAUS = {1, 4};

    @TempDir
    Path tmp;

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double binaryKl(double q, double p) {
        return q * Math.log(q / p) + (1 - q) * Math.log((1 - q) / (1 - p));
    }

    @Test
    void sigmoidKdIsTauSquaredTimesTheSummedBinaryKlByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two samples, two classes, τ = 2: sample 0 teacher (2, −1) student (0, 1); sample 1 teacher (0, 3)
            // student (0, 3), which matches and adds nothing
            NDArray t = m.create(new double[] {2, -1, 0, 3}, new Shape(2, 2));
            NDArray s = m.create(new double[] {0, 1, 0, 3}, new Shape(2, 2));
            double kl = binaryKl(sigmoid(1), sigmoid(0)) + binaryKl(sigmoid(-0.5), sigmoid(0.5));
            assertEquals(4 * kl / 2, SigmoidKdLoss.of(t, s, 2).getDouble(), 1e-15);
            assertEquals(0, SigmoidKdLoss.of(t, t, 3).getDouble(), 1e-15);
            // saturated logits stay finite: q_T = σ(100) and q_S = σ(−100) differ by almost 1 on one class
            NDArray far = SigmoidKdLoss.of(
                    m.create(new double[] {100, 0}, new Shape(1, 2)),
                    m.create(new double[] {-100, 0}, new Shape(1, 2)),
                    1);
            assertEquals(100, far.getDouble(), 1e-9); // KL ≈ log(σ(100)/σ(−100)) = 100
        }
    }

    @Test
    void multiLabelBceAndTheExplainedClassByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new double[] {2, 0, -1, 0.5, 3, -2}, new Shape(2, 3));
            NDArray targets = m.create(new float[] {1, 0, 1, 0, 0, 1}, new Shape(2, 3));
            double[] z = {2, 0, -1, 0.5, 3, -2};
            double[] y = {1, 0, 1, 0, 0, 1};
            double sum = 0;
            for (int i = 0; i < 6; i++) {
                sum += -y[i] * Math.log(sigmoid(z[i])) - (1 - y[i]) * Math.log(1 - sigmoid(z[i]));
            }
            assertEquals(
                    sum / 6,
                    GroundTruthLoss.MULTI_LABEL_BCE.of(logits, null, targets).getDouble(),
                    1e-15);
            // row 0: labelled 0 and 2, 0 scores higher; row 1: only class 2 is labelled, its logit the lowest
            assertArrayEquals(
                    new long[] {0, 2},
                    ClassChoice.highestAmong(targets).choose(logits).toLongArray());
            assertArrayEquals(
                    new long[] {0, 1},
                    Labelling.SINGLE_LABEL.explained(targets).choose(logits).toLongArray());
        }
    }

    @Test
    void labellingPicksTheTermsOfItsData() {
        assertEquals("kd", Labelling.SINGLE_LABEL.kd(2).name());
        assertEquals("sigmoid_kd", Labelling.MULTI_LABEL.kd(2).name());
        assertEquals(2.0, ((Number) Labelling.MULTI_LABEL.kd(2).toMap().get("tau")).doubleValue());
        assertEquals(GroundTruthLoss.UNIFORM_OFF_LABEL_BCE, Labelling.SINGLE_LABEL.groundTruthLoss(ModelFamily.BCOS));
        assertEquals(GroundTruthLoss.CROSS_ENTROPY, Labelling.SINGLE_LABEL.groundTruthLoss(ModelFamily.STANDARD));
        for (ModelFamily f : ModelFamily.values()) {
            assertEquals(GroundTruthLoss.MULTI_LABEL_BCE, Labelling.MULTI_LABEL.groundTruthLoss(f));
        }
    }

    @Test
    void termsAndGradientsMatchThePyTorchRestatement() throws Exception {
        int b = 5;
        int c = 20;
        SplittableRandom rng = new SplittableRandom(11);
        double[] teacher = new double[b * c];
        double[] student = new double[b * c];
        float[] targets = new float[b * c];
        for (int i = 0; i < b * c; i++) {
            teacher[i] = 6 * rng.nextDouble() - 3;
            student[i] = 6 * rng.nextDouble() - 3;
            // the last row has no class: the explained class falls back to the teacher's top-1
            targets[i] = i < (b - 1) * c && rng.nextInt(5) == 0 ? 1 : 0;
        }
        teacher[3] = 40; // one saturated logit
        long[] shape = {b, c};
        NpyWriter.write(TensorData.ofDoubles(shape, teacher), tmp.resolve("teacher.npy"));
        NpyWriter.write(TensorData.ofDoubles(shape, student), tmp.resolve("student.npy"));
        NpyWriter.write(TensorData.ofFloats(shape, targets), tmp.resolve("targets.npy"));
        String out = TorchPython.run(
                Files.readString(Path.of("scripts/multilabel_reference.py")),
                tmp,
                Path.of(Double.toString(TAUS[0])),
                Path.of(Double.toString(TAUS[1])));
        TorchPython.requireTorch(out);
        assertEquals("OK", out.strip());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = m.create(teacher, new Shape(b, c));
            NDArray y = m.create(targets, new Shape(b, c));
            for (double tau : TAUS) {
                String name = new java.math.BigDecimal(tau)
                        .stripTrailingZeros()
                        .toPlainString()
                        .replace(".", "_");
                check(m, student, s -> SigmoidKdLoss.of(t, s, tau), "kd_" + name, "kd_grad_" + name);
            }
            check(m, student, s -> GroundTruthLoss.MULTI_LABEL_BCE.of(s, null, y), "bce", "bce_grad");
            assertArrayEquals(
                    NpyReader.read(tmp.resolve("explained.npy")).toLongArray(),
                    Labelling.MULTI_LABEL.explained(y).choose(t).toLongArray());
        }
    }

    /**
     * One multi-label step through the seams: the objective that method e2kd (γ > 0) expands to on multi-label data,
     * built by the registry with the labelling in its context, and the distiller: the teacher explains the labelled
     * class it scores highest (here never its top-1), the student is explained for that class, and each term equals
     * its formula on separately computed logits and maps.
     */
    @Test
    void aMultiLabelStepUsesTheLabelledClassSigmoidKdAndBce() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> tiny = Map.of("stem", "small", "base", "4");
            Model teacher = Models.create("bcos_resnet18", 20, tiny, m);
            Model student = Models.create("bcos_resnet18", 20, tiny, m);
            List<CriterionSpec> terms = Method.E2KD.defaultLoss(Labelling.MULTI_LABEL, 2, 1, 0.5, 1);
            assertEquals(
                    List.of("sigmoid_kd", "explanation", "ground_truth"),
                    terms.stream().map(CriterionSpec::name).toList());
            Objective objective = Objective.of(
                    terms, new CriterionContext(student, teacher, m, 3, 1, 0, null, Labelling.MULTI_LABEL));
            Explainer teacherExplainer = Explainers.create("auto", teacher);
            Explainer studentExplainer = Explainers.create("auto", student);
            Distiller d = new Distiller(
                    teacher, teacherExplainer, student, studentExplainer, objective, Labelling.MULTI_LABEL);
            NDArray rgb = m.randomUniform(0, 1, new Shape(3, 3, 16, 16));
            NDArray x = rgb.concat(rgb.neg().add(1), 1);
            float[] zt = Autograd.noGrad(() -> teacher.forward(x)).toFloatArray();
            // each image's classes: its two lowest-scored ones, so the explained class is the higher of those two
            float[] rows = new float[3 * 20];
            long[] expected = new long[3];
            for (int i = 0; i < 3; i++) {
                int row = i;
                int[] order = java.util.stream.IntStream.range(0, 20)
                        .boxed()
                        .sorted(java.util.Comparator.comparingDouble(k -> zt[row * 20 + k]))
                        .mapToInt(Integer::intValue)
                        .toArray();
                rows[i * 20 + order[0]] = 1;
                rows[i * 20 + order[1]] = 1;
                expected[i] = order[1];
            }
            NDArray targets = m.create(rows, new Shape(3, 20));
            NDArray labels = m.create(expected);
            TeacherOutput t = d.teach(x, targets, 0);
            assertArrayEquals(expected, t.explained().toLongArray());
            Map<String, Double> parts = d.loss(x, labels, targets, null, t, 0).values();

            NDArray zs = Autograd.noGrad(() -> student.forward(x));
            NDArray mapT = Autograd.noGrad(() -> teacherExplainer.explain(x, ClassChoice.fixed(labels)))
                    .map();
            NDArray mapS = Autograd.noGrad(() -> studentExplainer.explain(x, ClassChoice.fixed(labels)))
                    .map();
            double[] s = Close.values(zs);
            double kd = 0;
            double bce = 0;
            for (int i = 0; i < 60; i++) {
                kd += 4 * binaryKl(sigmoid(zt[i] / 2.0), sigmoid(s[i] / 2)) / 3;
                bce += (rows[i] > 0 ? -Math.log(sigmoid(s[i])) : -Math.log(1 - sigmoid(s[i]))) / 60;
            }
            assertEquals(kd, parts.get("sigmoid_kd"), 1e-5 * Math.max(1, kd));
            assertEquals(bce, parts.get("ground_truth"), 1e-5);
            assertEquals(explanationLoss(mapT, mapS), parts.get("explanation"), 1e-5, "explanation term for the class");
        }
    }

    private static double explanationLoss(NDArray a, NDArray b) {
        double[] x = Close.values(a);
        double[] y = Close.values(b);
        int per = x.length / 3;
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            double dot = 0;
            double xx = 0;
            double yy = 0;
            for (int k = i * per; k < (i + 1) * per; k++) {
                dot += x[k] * y[k];
                xx += x[k] * x[k];
                yy += y[k] * y[k];
            }
            sum += 1 - dot / Math.sqrt(xx * yy);
        }
        return sum / 3;
    }

    /** The loss of {@code student} logits and its gradient against the reference's files, to 1e-12 relative. */
    private void check(NDManager m, double[] student, Function<NDArray, NDArray> loss, String value, String grad) {
        NDArray s = m.create(student, new Shape(5, 20));
        s.setRequiresGradient(true);
        NDArray v = Autograd.recording(() -> loss.apply(s));
        Autograd.backward(v, false);
        double expected = NpyReader.read(tmp.resolve(value + ".npy")).toDoubleArray()[0];
        assertEquals(expected, v.getDouble(), 1e-12 * Math.max(1, Math.abs(expected)), value);
        TensorData g = NpyReader.read(tmp.resolve(grad + ".npy"));
        Close.relative(s.getGradient(), m.create(g.toDoubleArray(), new Shape(g.shape())), 1e-12, grad);
        assertTrue(Close.maxAbs(s.getGradient()) > 0, grad + " is not zero");
    }
}
