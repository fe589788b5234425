package e2kd.nn;

import ai.djl.ndarray.NDArray;

/**
 * A block whose output is a linear map of its input once its dynamic factors are fixed: f(x) = J(x)·x
 * (B-cos units, uncentered norms, pools, residual sums). METHOD.md §2 / ARCHITECTURE.md.
 */
public interface DynamicLinear {
    /**
     * The ordinary forward; records the dynamic factors in {@code trace} when it is not null.
     *
     * @param x input, (B, C, H, W)
     */
    NDArray forward(NDArray x, Trace trace);

    /** The transposed map g ↦ J(x)ᵀ g with the factors recorded in {@code trace}; g has the output's shape. */
    NDArray transpose(NDArray g, Trace trace);

    /** The map v ↦ J(x) v with the recorded factors (the "linear stream"; used by the double-backprop oracle). */
    NDArray linear(NDArray v, Trace trace);
}
