package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Plain 2-D convolution without bias, torchvision {@code nn.Conv2d(bias=False)}: key {@code weight} (O, I, k, k). */
public final class Conv2d extends Module implements Layer {
    final int stride;
    final int padding;
    private boolean channelsLast;
    /** A gradient-free weight's channels-last copy (a frozen teacher's), kept until {@link #weightsChanged()}. */
    private NDArray frozenSource;
    private NDManager frozenArrays;
    private NDArray frozenChannelsLast;

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
        if (channelsLast) {
            // oneDNN's channels-last kernels: here the matrix products of ConvOps measured slower (docs/PERFORMANCE.md).
            return ConvOps.libtorchConv(x, channelsLastWeight(weight(), x.getManager()), stride, padding, 1);
        }
        return ConvOps.conv(x, weight(), stride, padding, 1);
    }

    /** Stores what this convolution hands to oneDNN channels-last ({@link ChannelsLast}); the parameter is unchanged. */
    void useChannelsLast() {
        channelsLast = true;
    }

    /**
     * The weight stored channels-last: a copy per call while it is trained (its gradient flows back through the
     * copy; owned by {@code step}), made once while it gets no gradient.
     */
    private NDArray channelsLastWeight(NDArray w, NDManager step) {
        if (w.hasGradient()) {
            return ChannelsLast.of(w, step);
        }
        if (frozenSource != w) {
            weightsChanged();
            NDManager arrays = w.getManager().newSubManager();
            frozenChannelsLast = Autograd.noGrad(() -> ChannelsLast.of(w, arrays));
            frozenArrays = arrays;
            frozenSource = w;
        }
        return frozenChannelsLast;
    }

    @Override
    protected void weightsChanged() {
        if (frozenArrays != null) {
            frozenArrays.close();
            frozenArrays = null;
            frozenChannelsLast = null;
            frozenSource = null;
        }
    }

    /** (O, I, k, k). */
    NDArray weight() {
        return param("weight");
    }

    int kernel() {
        return (int) weight().getShape().get(2);
    }
}
