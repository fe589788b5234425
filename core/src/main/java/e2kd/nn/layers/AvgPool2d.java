package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.ops.ConvOps;
import e2kd.nn.ops.Scalars;

/**
 * Average pooling, zero padding counted in the divisor ({@code nn.AvgPool2d(k, s, p)}); the B-cos ResNet stem's
 * replacement for max-pooling, and DenseNet's transition pooling. Linear; x (B, C, H, W) → (B, C, H', W').
 */
public final class AvgPool2d extends Module implements DynamicLinear, Layer {
    private final int kernel;
    private final int stride;
    private final int padding;

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        if (trace != null) {
            trace.record(
                    this,
                    new Trace.Entry(
                            null, null, x.getShape().get(2), x.getShape().get(3)));
        }
        return linearMap(x);
    }

    /**
     * Jᵀg: the transposed depthwise convolution with the constant kernel 1/k² ({@link ConvOps#convTranspose}: for
     * stride 2 its sub-pixel form, whose ⌈k/s⌉² taps per output are about half the cost of spreading g onto the
     * stride grid and pooling it with all k² taps, backward included; docs/PERFORMANCE.md).
     */
    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        Trace.Entry e = trace.of(this);
        long channels = g.getShape().get(1);
        NDArray kernelWeights = Scalars.div(
                g.getManager().ones(new Shape(channels, 1, kernel, kernel), g.getDataType()), kernel * kernel);
        return ConvOps.convTranspose(
                g, kernelWeights, stride, padding, (int) channels, e.inputHeight(), e.inputWidth());
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        return linearMap(v);
    }

    /** The plain forward (standard networks). */
    @Override
    public NDArray forward(NDArray x) {
        return linearMap(x);
    }

    private NDArray linearMap(NDArray x) {
        return Pool.avgPool2d(
                x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding), false, true);
    }
}
