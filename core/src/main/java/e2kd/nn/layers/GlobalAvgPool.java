package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;

/** Global average pooling: (B, C, H, W) → (B, C), the mean over H and W. */
public final class GlobalAvgPool {
    private GlobalAvgPool() {}

    public static NDArray of(NDArray x) {
        return Scalars.div(
                x.sum(new int[] {2, 3}), x.getShape().get(2) * x.getShape().get(3));
    }
}
