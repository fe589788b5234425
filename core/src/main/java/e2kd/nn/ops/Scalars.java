package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a Java number on arrays that may be in an autograd graph. Use these instead of DJL's
 * {@code NDArray.mul(Number)}, {@code div(Number)} and {@code maximum(Number)}.
 *
 * <p>Why: DJL wraps the number in a libtorch tensor that views a Java direct buffer ({@code torch::from_blob})
 * and closes that array as soon as the op returns, so the buffer becomes garbage. Autograd keeps the scalar
 * tensor for the backward pass ({@code MulBackward} saves {@code other}); after the next GC its memory is freed
 * and reused, and the backward reads whatever is there: sporadic NaN/Inf or wrong gradients, or a SIGSEGV inside
 * the backward. {@code ScalarsTest} reproduces it. Here the scalar is a libtorch-owned copy in x's dtype (no
 * float64 promotion), owned by x's manager, so the graph's reference keeps it alive.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-dim array holding {@code value} in {@code like}'s dtype, in libtorch-owned memory, on like's manager. */
    public static NDArray of(NDArray like, double value) {
        try (NDArray javaBacked = like.getManager().create(value);
                NDArray typed = javaBacked.toType(like.getDataType(), false)) {
            return typed.duplicate(); // a clone: libtorch allocates and owns it (toType may return the same tensor)
        }
    }

    /** x · value. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(of(x, value));
    }

    /** x / value. */
    public static NDArray div(NDArray x, double value) {
        return x.div(of(x, value));
    }

    /** max(x, value), element-wise. */
    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(of(x, value));
    }
}
