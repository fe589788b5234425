package e2kd.train.optim;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** An optimizer over named parameters, with state that a checkpoint can save and restore. */
public interface Optimizer {
    /** One update of every parameter that has a gradient, at learning rate {@code lr}; call under no-grad. */
    void step(Map<String, NDArray> parameters, double lr);

    /** Updates so far. */
    long steps();

    /** State tensors by name (e.g. {@code layer.weight/m}), owned by the optimizer; for checkpoints. */
    Map<String, NDArray> state();

    /** Restores {@link #steps()} and {@link #state()} written by a checkpoint (the arrays are taken over). */
    void restoreState(long steps, Map<String, NDArray> state);
}
