package e2kd.nn;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * A classifier whose named stage outputs A (B, K, h, w) can be tapped, and whose last stage feeds a head of global
 * average pooling + linear (what GradCAM's closed form needs).
 */
public interface CamModel {
    /** Logits (B, C) with {@code taps} called at the named points ({@link Model#forward(NDArray, Taps)}). */
    NDArray forward(NDArray x, Taps taps);

    /** Points a tap may name. */
    List<String> tapNames();

    /** The stage right before the pooled-linear head. */
    String lastStage();

    /** The head's weight (C, K): ∂y_c/∂A_k = w_ck / (h·w) at {@link #lastStage()}. */
    NDArray classifierWeight();

    /** The module owning the parameters (for resetting gradients after double backprop). */
    Module module();
}
