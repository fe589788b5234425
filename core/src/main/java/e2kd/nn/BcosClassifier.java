package e2kd.nn;

import ai.djl.ndarray.NDArray;

/**
 * A B-cos classifier: logits y = W(x)·x + b (+ constant terms such as a ViT's positional embedding), with W_c(x)
 * by the explicit transposed pass over a {@link Trace} of one forward (METHOD.md §2). The CNNs ({@code BcosModel})
 * and the ViTs ({@code BcosVit}).
 */
public interface BcosClassifier {
    /** Logits (B, C) with dynamic factors recorded in {@code trace} (when not null) and {@code taps} called. */
    NDArray forward(NDArray x, Trace trace, Taps taps);

    /**
     * W_c(x) = ∂y_c/∂x with the dynamic factors held at their traced values, by the transposed pass.
     *
     * @param classes (B) int64 class per sample
     * @return (B, inChannels, H, W), differentiable w.r.t. the parameters when the trace is
     */
    NDArray explain(Trace trace, NDArray classes);

    /** Logits without the constant terms, computed by the linear stream J(x)·v with the traced factors (test oracle). */
    NDArray linearLogits(NDArray v, Trace trace);

    /** The constant logit bias −log(C − 1) (B-cos-v2's {@code LogitLayer}; not a parameter). */
    double logitBias();

    /** The model itself. */
    Model model();

    /** −log(C − 1): with it a zero class evidence means probability 1/C under the sigmoid. */
    static double logitBias(int classes) {
        return -Math.log(classes - 1.0);
    }
}
