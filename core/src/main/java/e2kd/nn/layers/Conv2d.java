package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.ChannelsLast;
import e2kd.nn.ops.ConvOps;
import e2kd.nn.ops.RandomDraws;

/** Plain 2-D convolution without bias, torchvision {@code nn.Conv2d(bias=False)}: key {@code weight} (O, I, k, k). */
public final class Conv2d extends Module implements Layer {
    public final int stride;
    public final int padding;
    private boolean channelsLast;

    public Conv2d(NDManager manager, int in, int out, int kernel, int stride, int padding) {
        // Kaiming normal, fan_out, gain √2: the init torchvision and B-cos-v2 ResNets use.
        double std = Math.sqrt(2.0 / (out * kernel * kernel));
        parameter(
                "weight",
                RandomDraws.draw(() ->
                        manager.randomNormal(0f, (float) std, new Shape(out, in, kernel, kernel), DataType.FLOAT32)));
        this.stride = stride;
        this.padding = padding;
    }

    /** x (B, I, H, W) → (B, O, H', W'). */
    @Override
    public NDArray forward(NDArray x) {
        if (channelsLast) {
            // oneDNN's channels-last kernels: here the matrix products of ConvOps measured slower
            // (docs/PERFORMANCE.md).
            return ConvOps.libtorchConv(x, weight(), stride, padding, 1);
        }
        return ConvOps.conv(x, weight(), stride, padding, 1);
    }

    /**
     * Stores the weight channels-last ({@link ChannelsLast}) and hands it to oneDNN as it is. Only the storage
     * changes: the parameter keeps its shape (O, I, k, k), state-dict values and logical order; its gradient arrives
     * channels-last from oneDNN and is accumulated without a copy. Loading, dtype conversion and the optimizer keep
     * the storage order.
     */
    public void useChannelsLast() {
        NDArray w = weight();
        NDManager owner = w.getManager();
        NDArray stored = Autograd.noGrad(() -> {
            try (NDManager scratch = owner.newSubManager()) {
                // A clone of the channels-last view: the same strides, but a tensor of its own rather than a view.
                NDArray copy = ChannelsLast.of(w, scratch).duplicate();
                copy.attach(owner);
                return copy;
            }
        });
        boolean trainable = w.hasGradient();
        parameter("weight", stored).setRequiresGradient(trainable);
        w.close();
        channelsLast = true;
    }

    /** Whether the weight is stored channels-last and every call runs on libtorch's kernels. */
    public boolean isChannelsLast() {
        return channelsLast;
    }

    /** (O, I, k, k). */
    public NDArray weight() {
        return param("weight");
    }

    /** The number of values conv(x) has: B·O·H′·W′. */
    public long outputSize(NDArray x) {
        Shape s = x.getShape();
        int k = kernel();
        long outH = (s.get(2) + 2L * padding - k) / stride + 1;
        long outW = (s.get(3) + 2L * padding - k) / stride + 1;
        return s.get(0) * weight().getShape().get(0) * outH * outW;
    }

    public int kernel() {
        return (int) weight().getShape().get(2);
    }
}
