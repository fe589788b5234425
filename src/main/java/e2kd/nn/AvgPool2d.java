package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

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
            trace.record(this, new Trace.Entry(null, null, x.getShape().get(2), x.getShape().get(3)));
        }
        return linearMap(x);
    }

    /**
     * Jᵀg: the box sum's transpose is the box sum, so with g spread onto the stride grid (zeros between) it is a
     * stride-1 average pool with padding k−1−p (divisor k², as in the forward). Where that padding exceeds k/2
     * (which libtorch's pool refuses) the transposed depthwise convolution with the constant 1/k² kernel is used.
     */
    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        Trace.Entry e = trace.of(this);
        long outer = kernel - 1 - padding;
        if (outer < 0 || 2 * outer > kernel) {
            long channels = g.getShape().get(1);
            NDArray kernelWeights = Scalars.div(g.getManager().ones(new Shape(channels, 1, kernel, kernel),
                    g.getDataType()), kernel * kernel);
            return ConvOps.convTranspose(g, kernelWeights, stride, padding, (int) channels, e.inputHeight(),
                    e.inputWidth());
        }
        Shape s = g.getShape();
        NDArray spread = stride == 1 ? g : g.reshape(s.get(0), s.get(1), s.get(2), 1, s.get(3), 1)
                .pad(new Shape(0, stride - 1, 0, 0, 0, stride - 1), 0)
                .reshape(s.get(0), s.get(1), s.get(2) * stride, s.get(3) * stride);
        long h = spread.getShape().get(2) + kernel - 1 - 2L * padding;
        long w = spread.getShape().get(3) + kernel - 1 - 2L * padding;
        if (h < e.inputHeight() || w < e.inputWidth()) {
            spread = spread.pad(new Shape(0, Math.max(0, e.inputWidth() - w), 0, Math.max(0, e.inputHeight() - h)), 0);
        }
        NDArray out = Pool.avgPool2d(spread, new Shape(kernel, kernel), new Shape(1, 1), new Shape(outer, outer),
                false, true);
        Shape os = out.getShape();
        if (os.get(2) == e.inputHeight() && os.get(3) == e.inputWidth()) {
            return out;
        }
        return out.get(new ai.djl.ndarray.index.NDIndex(":, :, :{}, :{}", e.inputHeight(), e.inputWidth()));
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
        return Pool.avgPool2d(x, new Shape(kernel, kernel), new Shape(stride, stride), new Shape(padding, padding),
                false, true);
    }
}
