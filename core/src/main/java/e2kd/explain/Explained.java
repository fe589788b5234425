package e2kd.explain;

import ai.djl.ndarray.NDArray;

/**
 * One forward pass with its explanation.
 *
 * @param logits  (B, C)
 * @param classes (B) int64, the class explained per sample
 * @param map     the explanation: (B, C_in, H, W) for B-cos W(x) and Input×Gradient, (B, H, W) for GradCAM
 */
public record Explained(NDArray logits, NDArray classes, NDArray map) {}
