package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.distill.criteria.ExplanationLoss;
import e2kd.distill.criteria.KdLoss;
import e2kd.nn.GroundTruthLoss;
import org.junit.jupiter.api.Test;

/** Each loss term against a hand computation. */
class LossesTest {
    @Test
    void kdIsTauSquaredTimesKl() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] t = {1, 0};
            double[] s = {0, 1};
            double tau = 2;
            double pt0 = Math.exp(0.5) / (Math.exp(0.5) + 1);
            double ps0 = 1 / (1 + Math.exp(0.5));
            double kl = pt0 * Math.log(pt0 / ps0) + (1 - pt0) * Math.log((1 - pt0) / (1 - ps0));
            NDArray v = KdLoss.of(m.create(t, new Shape(1, 2)), m.create(s, new Shape(1, 2)), tau);
            assertEquals(tau * tau * kl, v.getDouble(), 1e-12);
        }
    }

    @Test
    void explanationTermIsOneMinusCosineOfWholeMaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            // sample 1: (1,0,0,0) vs (1,1,0,0) → cos = 1/√2; sample 2: identical → 0
            NDArray a = m.create(new double[] {1, 0, 0, 0, 1, 2, 3, 4}, new Shape(2, 1, 2, 2));
            NDArray b = m.create(new double[] {1, 1, 0, 0, 1, 2, 3, 4}, new Shape(2, 1, 2, 2));
            assertEquals((1 - 1 / Math.sqrt(2)) / 2, ExplanationLoss.of(a, b).getDouble(), 1e-12);
        }
    }

    @Test
    void groundTruthTerms() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new double[] {2, 0, -1}, new Shape(1, 3));
            NDArray label = m.create(new long[] {0});
            double z = Math.exp(2) + 1 + Math.exp(-1);
            assertEquals(
                    -Math.log(Math.exp(2) / z),
                    GroundTruthLoss.CROSS_ENTROPY.of(logits, label, null).getDouble(),
                    1e-12);
            // targets (1, 1/3, 1/3); BCE(z, t) = −t log σ(z) − (1−t) log(1−σ(z))
            double[] t = {1, 1.0 / 3, 1.0 / 3};
            double[] zs = {2, 0, -1};
            double sum = 0;
            for (int i = 0; i < 3; i++) {
                double sig = 1 / (1 + Math.exp(-zs[i]));
                sum += -t[i] * Math.log(sig) - (1 - t[i]) * Math.log(1 - sig);
            }
            assertEquals(
                    sum / 3,
                    GroundTruthLoss.UNIFORM_OFF_LABEL_BCE
                            .of(logits, label, null)
                            .getDouble(),
                    1e-12);
        }
    }
}
