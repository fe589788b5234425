package e2kd.train;

import ai.djl.ndarray.NDArray;

/** One optimisation step on a batch; every intermediate array belongs to the manager of {@code x}. */
public interface Step {
    /**
     * @param x      encoded images (B, C, H, W)
     * @param labels (B) int64
     * @param step   0-based global step
     * @param lr     learning rate of this step
     */
    StepResult run(NDArray x, NDArray labels, long step, double lr);
}
