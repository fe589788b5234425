package e2kd.explain;

import ai.djl.ndarray.NDArray;

/**
 * Runs a model on x and explains the chosen class. The map is differentiable w.r.t. the model's parameters when
 * called with the autograd graph recording; a teacher is explained inside {@code Autograd.noGrad}.
 */
public interface Explainer {
    Explained explain(NDArray x, ClassChoice choice);

    /** A short name for logs and configs: {@code bcos}, {@code gradcam}, {@code ixg}. */
    String name();
}
