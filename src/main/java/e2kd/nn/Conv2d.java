package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Plain 2-D convolution without bias, torchvision {@code nn.Conv2d(bias=False)}: key {@code weight} (O, I, k, k). */
public final class Conv2d extends Module implements Layer {
    final int stride;
    final int padding;

    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, int padding) {
        // Kaiming normal, fan_out, gain √2: the init torchvision and B-cos-v2 ResNets use.
        double std = Math.sqrt(2.0 / (out * kernel * kernel));
        parameter("weight",
                manager.randomNormal(0f, (float) std, new Shape(out, in, kernel, kernel), DataType.FLOAT32));
        this.stride = stride;
        this.padding = padding;
    }

    /** x (B, I, H, W) → (B, O, H', W'). */
    @Override
    public NDArray forward(NDArray x) {
        return ConvOps.conv(x, weight(), stride, padding, 1);
    }

    /** (O, I, k, k). */
    NDArray weight() {
        return param("weight");
    }

    int kernel() {
        return (int) weight().getShape().get(2);
    }
}
