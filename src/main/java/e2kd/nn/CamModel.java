package e2kd.nn;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A classifier whose named stage outputs A (B, K, h, w) can be tapped, and whose last stage feeds a head of global
 * average pooling + linear (what GradCAM's closed form needs).
 */
public interface CamModel {
    /** Logits (B, C); each named stage output is passed through its tap. */
    NDArray forward(NDArray x, Map<String, UnaryOperator<NDArray>> taps);

    /** Stage names a tap may name. */
    List<String> tapNames();

    /** Fails with a one-line message naming the valid stages when a tap names an unknown one. */
    default void checkTaps(Map<String, ?> taps) {
        for (String name : taps.keySet()) {
            if (!tapNames().contains(name)) {
                throw new IllegalArgumentException("unknown layer '" + name + "'; valid: " + String.join(", ", tapNames()));
            }
        }
    }

    /** The stage right before the pooled-linear head. */
    String lastStage();

    /** The head's weight (C, K): ∂y_c/∂A_k = w_ck / (h·w) at {@link #lastStage()}. */
    NDArray classifierWeight();

    /** The module owning the parameters (for resetting gradients after double backprop). */
    Module module();
}
