package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.layers.Linear;
import e2kd.nn.ops.Autograd;
import org.junit.jupiter.api.Test;

/**
 * {@link Module#freshGradients()}: for one step every trainable parameter is a new gradient leaf on the same
 * storage, which gets the step's gradient alone (not added to an earlier one) and whose in-place updates are the
 * parameter's; closing puts the parameters back. Frozen parameters are left as they are.
 */
class FreshGradientsTest {
    @Test
    void leavesGetTheStepsGradientAndShareTheParametersStorage() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear layer = new Linear(m, 3, 2);
            Linear frozen = new Linear(m, 2, 2);
            frozen.setTrainable(false);
            NDArray weight = layer.parameters().get("weight");
            NDArray frozenWeight = frozen.parameters().get("weight");
            NDArray x = m.randomNormal(new Shape(4, 3));
            float[] before = weight.toFloatArray();

            for (int step = 0; step < 2; step++) {
                try (Module.FreshGradients fresh = layer.freshGradients();
                        Module.FreshGradients none = frozen.freshGradients()) {
                    NDArray leaf = layer.parameters().get("weight");
                    assertNotSame(weight, leaf, "a new leaf during the step");
                    assertSame(frozenWeight, frozen.parameters().get("weight"), "a frozen parameter stays");
                    Autograd.recording(() -> {
                        Autograd.backward(layer.forward(x).sum(), false);
                        return null;
                    });
                    // d/dW Σ (x Wᵀ + b) = 1ᵀx per row, for this step only: the same both steps.
                    float[] columnSums = x.sum(new int[] {0}).toFloatArray();
                    float[] expected = new float[6];
                    for (int o = 0; o < 2; o++) {
                        System.arraycopy(columnSums, 0, expected, 3 * o, 3);
                    }
                    assertArrayEquals(expected, leaf.getGradient().toFloatArray(), 1e-5f, "step " + step);
                    Autograd.noGrad(() -> leaf.subi(1));
                }
                assertSame(weight, layer.parameters().get("weight"), "the parameter is back after the step");
            }
            float[] after = weight.toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertTrue(Math.abs(after[i] - (before[i] - 2)) < 1e-6, "in-place updates reach the parameter");
            }
            try (NDArray g = weight.getGradient()) {
                assertEquals(0f, g.abs().sum().getFloat(), "the parameter itself accumulated nothing");
            }
        }
    }
}
