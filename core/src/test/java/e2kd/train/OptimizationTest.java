package e2kd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.ops.Autograd;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Schedule;
import e2kd.train.optim.Sgd;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SGD (PyTorch semantics), the warm-up cosine schedule and gradient clipping on hand-computed values. */
class OptimizationTest {
    @Test
    void scheduleWarmsUpFromOnePercentThenDecaysToZero() {
        Schedule s = new Schedule(1.0, 10, 110);
        assertEquals(0.01, s.at(0), 1e-12);
        assertEquals(0.01 + 0.99 * 0.5, s.at(5), 1e-12);
        assertEquals(1.0, s.at(10), 1e-12);
        assertEquals(0.5, s.at(60), 1e-12);
        assertEquals(0.0, s.at(110), 1e-12);
    }

    @Test
    void sgdWithMomentumAndWeightDecayMatchesTorch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1f, -2f});
            p.setRequiresGradient(true);
            Sgd sgd = new Sgd(0.9, 0.1);
            // torch: d = g + 0.1 p; b1 = d; p -= lr b1; b2 = 0.9 b1 + d2; p -= lr b2
            float[] expected = {1f, -2f};
            float[] buffer = null;
            for (int i = 0; i < 2; i++) {
                NDArray loss = Autograd.recording(() -> p.square().sum());
                Autograd.zeroGradients(java.util.List.of(p));
                Autograd.backward(loss, false);
                Autograd.noGrad(() -> {
                    sgd.step(Map.of("p", p), 0.5);
                    return null;
                });
                float[] d = new float[2];
                for (int k = 0; k < 2; k++) {
                    d[k] = 2 * expected[k] + 0.1f * expected[k];
                }
                if (buffer == null) {
                    buffer = d.clone();
                } else {
                    for (int k = 0; k < 2; k++) {
                        buffer[k] = 0.9f * buffer[k] + d[k];
                    }
                }
                for (int k = 0; k < 2; k++) {
                    expected[k] -= 0.5f * buffer[k];
                }
                assertArrayEquals(expected, p.toFloatArray(), 1e-5f);
            }
            assertEquals(2, sgd.steps());
            assertArrayEquals(buffer, sgd.state().get("p/momentum").toFloatArray(), 1e-5f);
        }
    }

    @Test
    void adaptiveClippingBoundsEachUnitsGradientByItsWeightNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {3f, 4f, 0f, 0.0001f}, new ai.djl.ndarray.types.Shape(2, 2));
            w.setRequiresGradient(true);
            NDArray loss = Autograd.recording(() -> w.mul(
                            m.create(new float[] {30f, 40f, 0f, 0f}, new ai.djl.ndarray.types.Shape(2, 2)))
                    .sum());
            Autograd.backward(loss, false);
            new GradientClipping(GradientClipping.Kind.AGC, 0.01).apply(Map.of("w", w));
            // unit 0: ‖θ‖ = 5 → max 0.05; ‖g‖ = 50 → g·0.001. Unit 1: g = 0 stays 0.
            assertArrayEquals(
                    new float[] {0.03f, 0.04f, 0f, 0f}, w.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
