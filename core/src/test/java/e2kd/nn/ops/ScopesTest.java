package e2kd.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopesTest {
    /** Only the returned array survives the scope; every intermediate is closed; the anchor goes back unharmed. */
    @Test
    void keepsTheResultAndClosesTheIntermediates() {
        try (NDManager owner = NDManager.newBaseManager()) {
            NDArray x = owner.create(new float[] {1, 2, 3});
            List<NDArray> intermediates = new ArrayList<>();
            NDArray y = Scopes.keepingOnly(x, () -> {
                NDArray a = x.mul(2);
                NDArray b = a.add(1);
                intermediates.add(a);
                intermediates.add(b);
                return b.square();
            });
            intermediates.forEach(a -> assertTrue(a.isReleased(), "an intermediate outlived its scope"));
            assertSame(owner, y.getManager());
            assertSame(owner, x.getManager());
            assertFalse(x.isReleased());
            assertArrayEquals(new float[] {9, 25, 49}, y.toFloatArray());
            x.close();
            y.close();
        }
    }

    /**
     * Closing the DJL handles of a recorded pass before its backward leaves the gradient as it was: autograd holds
     * what the backward needs. d/dw Σ exp(x·w) = x·exp(x·w), in float64.
     */
    @Test
    void backwardAfterTheScopeGivesTheSameGradient() {
        try (NDManager owner = NDManager.newBaseManager()) {
            NDArray w = owner.create(new double[] {0.5, -0.25, 0.125});
            w.setRequiresGradient(true);
            NDArray x = owner.create(new double[] {1, 2, -3});
            NDArray loss = Scopes.keepingOnly(
                    x, () -> Autograd.recording(() -> x.mul(w).exp().sum()));
            Autograd.backward(loss, false);
            double[] expected = new double[3];
            double[] xs = {1, 2, -3};
            double[] ws = {0.5, -0.25, 0.125};
            for (int i = 0; i < 3; i++) {
                expected[i] = xs[i] * Math.exp(xs[i] * ws[i]);
            }
            assertArrayEquals(expected, w.getGradient().toDoubleArray(), 1e-15);
        }
    }

    /** Every array the {@code kept} function names of a result is moved to the anchor's manager. */
    @Test
    void keptArraysOfAResultAllReachTheOwner() {
        try (NDManager owner = NDManager.newBaseManager()) {
            NDArray x = owner.zeros(new Shape(2, 2), DataType.FLOAT32);
            List<NDArray> kept = Scopes.keepingOnly(List.of(x), () -> List.of(x.add(1), x.add(2)), list -> list);
            kept.forEach(a -> assertSame(owner, a.getManager()));
            assertEquals(12f, kept.get(0).add(kept.get(1)).sum().getFloat());
        }
    }
}
