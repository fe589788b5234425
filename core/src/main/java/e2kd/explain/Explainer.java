package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Taps;

/**
 * Runs a model on x and explains the chosen class. The map is differentiable w.r.t. the model's parameters when
 * called with the autograd graph recording; a teacher is explained inside {@code Autograd.noGrad}.
 */
public interface Explainer {
    default Explained explain(NDArray x, ClassChoice choice) {
        return explain(x, choice, Taps.none());
    }

    /** The explanation, with {@code taps} called in the model's forward (features a criterion asked for). */
    Explained explain(NDArray x, ClassChoice choice, Taps taps);

    /** A short name for logs and configs: {@code bcos}, {@code gradcam}, {@code ixg}. */
    String name();
}
