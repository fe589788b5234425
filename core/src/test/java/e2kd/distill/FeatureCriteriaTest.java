package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.Fixtures;
import e2kd.distill.criteria.AtCriterion;
import e2kd.distill.criteria.CatCriterion;
import e2kd.nn.ops.Autograd;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * AT and CAT-KD: value and gradient against a PyTorch restatement of mdistiller's AT and the CAT-KD authors'
 * CAT_loss (scripts/make_at_cat_fixtures.py, float64), and against central finite differences (AT with p = 3, where
 * |F|^p and mdistiller's F^p part ways); the literature weights as the defaults of a {@code loss:} entry.
 */
class FeatureCriteriaTest {
    private static final String FIXTURE = "baselines/at_cat.npz";

    @Test
    void atEqualsTheRestatementOfMdistillersAt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, FIXTURE);
            NDArray s1 = f.get("at_s1");
            NDArray s2 = f.get("at_s2");
            Criterion at = new AtCriterion(2, List.of("layer1", "layer2"));
            NDArray loss = gradientOf(
                    () -> at.compute(input(
                            Map.of("layer1", s1, "layer2", s2),
                            Map.of("layer1", f.get("at_t1"), "layer2", f.get("at_t2")))),
                    s1,
                    s2);
            Close.absolute(loss, f.get("at_loss"), 1e-14, "AT loss");
            Close.absolute(s1.getGradient(), f.get("at_grad_s1"), 1e-14, "AT gradient, stage 1");
            Close.absolute(s2.getGradient(), f.get("at_grad_s2"), 1e-14, "AT gradient, stage 2 (teacher pooled)");
        }
    }

    @Test
    void catEqualsTheRestatementOfTheCatKdAuthorsLoss() {
        for (boolean normalize : new boolean[] {false, true}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> f = Fixtures.npz(m, FIXTURE);
                NDArray s = f.get("cat_s");
                Criterion cat = new CatCriterion(4, normalize);
                NDArray loss = gradientOf(() -> cat.compute(input(Map.of("cam", s), Map.of("cam", f.get("cat_t")))), s);
                String key = normalize ? "cat_norm" : "cat";
                Close.absolute(loss, f.get(key + "_loss"), 1e-14, key + " loss");
                Close.absolute(s.getGradient(), f.get(key + "_grad"), 1e-14, key + " gradient");
            }
        }
    }

    @Test
    void atGradientMatchesFiniteDifferencesForAnOddPower() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = m.randomNormal(new Shape(2, 3, 4, 4)).toType(DataType.FLOAT64, false);
            NDArray t = m.randomNormal(new Shape(2, 5, 4, 4)).toType(DataType.FLOAT64, false);
            Criterion at = new AtCriterion(3, List.of("layer3"));
            Supplier<NDArray> loss = () -> at.compute(input(Map.of("layer3", s), Map.of("layer3", t)));
            gradientOf(loss, s);
            double[] analytic = s.getGradient().toDoubleArray();
            double[] values = s.toDoubleArray();
            SplittableRandom rng = new SplittableRandom(5);
            for (int trial = 0; trial < 12; trial++) {
                int i = rng.nextInt(values.length);
                double h = 1e-6;
                double numeric = (valueAt(s, values, i, h, loss) - valueAt(s, values, i, -h, loss)) / (2 * h);
                assertEquals(numeric, analytic[i], 1e-7 * Math.max(1, Math.abs(numeric)), "entry " + i);
            }
        }
    }

    @Test
    void literatureWeightsAreTheDefaultsAndUnknownParametersAreNamed() {
        assertEquals(1000, CriterionSpec.fromMap(Map.of("name", "at")).weight());
        assertEquals(0.5, CriterionSpec.fromMap(Map.of("name", "cat")).weight());
        assertEquals(1, CriterionSpec.fromMap(Map.of("name", "kd", "tau", 4)).weight());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Criteria.create(
                        CriterionSpec.fromMap(Map.of("name", "cat", "resolutoin", 2)),
                        new CriterionContext(null, null, null, 0)));
        assertTrue(e.getMessage().contains("resolutoin"), e.getMessage());
    }

    private static CriterionInput input(Map<String, NDArray> student, Map<String, NDArray> teacher) {
        NDArray logits = student.values().iterator().next().getManager().zeros(new Shape(1, 2));
        return new CriterionInput(
                new StudentOutput(logits, null, student),
                new TeacherOutput(logits, null, null, teacher),
                null,
                null,
                0);
    }

    /** The loss, with the gradients of {@code leaves} computed. */
    private static NDArray gradientOf(Supplier<NDArray> loss, NDArray... leaves) {
        for (NDArray leaf : leaves) {
            leaf.setRequiresGradient(true);
        }
        return Autograd.recording(() -> {
            NDArray l = loss.get();
            Autograd.backward(l, false);
            return l;
        });
    }

    private static double valueAt(NDArray s, double[] values, int i, double h, Supplier<NDArray> loss) {
        double[] copy = values.clone();
        copy[i] += h;
        return Autograd.noGrad(() -> {
            s.set(copy);
            double v = loss.get().getDouble();
            s.set(values);
            return v;
        });
    }
}
