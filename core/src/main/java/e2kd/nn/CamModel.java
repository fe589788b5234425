package e2kd.nn;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;
import java.util.List;

/**
 * A classifier whose named stage outputs A (B, K, h, w) can be tapped, and whose last stage feeds a head through the
 * spatial mean (global average pooling + linear in the CNNs; mean over tokens, LayerNorm and linear in the ViT), so
 * ∂y_c/∂A is the same at every position and GradCAM's weights have a closed form.
 */
public interface CamModel {
    /** Logits (B, C) with {@code taps} called at the named points ({@link Model#forward(NDArray, Taps)}). */
    NDArray forward(NDArray x, Taps taps);

    /** Points a tap may name. */
    List<String> tapNames();

    /** The stage right before the pooled-linear head. */
    String lastStage();

    /**
     * GradCAM's weights in closed form: α (B, K), the spatial mean of ∂y_c/∂A at {@link #lastStage()}, for the class
     * rows {@code rows} (B, C, one-hot) and the stage's activation {@code stage} (B, K, h, w).
     */
    NDArray gradCamWeights(NDArray rows, NDArray stage);

    /** The module owning the parameters (for resetting gradients after double backprop). */
    Module module();

    /** α for a pooled-linear head of weight (C, K): w_c / (h·w). */
    static NDArray pooledLinearWeights(NDArray rows, NDArray weight, NDArray stage) {
        return Scalars.div(
                rows.matMul(weight), stage.getShape().get(2) * stage.getShape().get(3));
    }
}
