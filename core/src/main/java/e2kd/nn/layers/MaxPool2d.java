package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import e2kd.nn.Layer;
import e2kd.nn.Module;

/** {@code nn.MaxPool2d(k, s, p)}: x (B, C, H, W) → (B, C, H', W'); no parameters. */
public final class MaxPool2d extends Module implements Layer {
    private final int kernel;
    private final int stride;
    private final int padding;

    public MaxPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public NDArray forward(NDArray x) {
        return Pool.maxPool2d(
                x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding), false);
    }
}
