package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;

/**
 * DJL attaches an op's result to the manager of its first operand. Results computed from a parameter would land
 * in the model's long-lived manager and pile up; this moves them to the manager of the current step's input.
 */
public final class Scopes {
    private Scopes() {}

    /** Attaches {@code result} to {@code like}'s manager and returns it. */
    public static NDArray owned(NDArray like, NDArray result) {
        return owned(like.getManager(), result);
    }

    /** Attaches {@code result} to {@code owner} and returns it. */
    public static NDArray owned(ai.djl.ndarray.NDManager owner, NDArray result) {
        result.attach(owner);
        return result;
    }
}
