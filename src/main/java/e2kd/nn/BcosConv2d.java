package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/**
 * B-cos convolution, B = 2, no bias (B-cos-v2 {@code BcosConv2d}); key {@code linear.weight} (O, I, k, k).
 *
 * <pre>
 *   ŵ = w / ‖w‖ (per output unit)     o = ŵ ∗ x     ‖x_patch‖ = sqrt(Σ_patch Σ_c x² + 1e-6)
 *   out = s ⊙ o   with the dynamic factor s = |o| / ‖x_patch‖
 * </pre>
 * Shapes: x (B, I, H, W) → (B, O, H', W'). Transpose: Jᵀg = convᵀ(s ⊙ g, ŵ).
 */
public final class BcosConv2d extends Module implements DynamicLinear {
    private final Conv2d linear;

    public BcosConv2d(NDManager manager, int in, int out, int kernel, int stride, int padding) {
        this.linear = child("linear", new Conv2d(manager, in, out, kernel, stride, padding));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray w = unitWeight(x);
        NDArray o = ConvOps.conv(x, w, linear.stride, linear.padding, 1);
        NDArray scale = o.abs().div(patchNorm(x));
        if (trace != null) {
            trace.record(this, new Trace.Entry(scale, w, x.getShape().get(2), x.getShape().get(3)));
        }
        return scale.mul(o);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        Trace.Entry e = trace.of(this);
        return ConvOps.convTranspose(g.mul(e.factor()), e.weight(), linear.stride, linear.padding, 1,
                e.inputHeight(), e.inputWidth());
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        Trace.Entry e = trace.of(this);
        return e.factor().mul(ConvOps.conv(v, e.weight(), linear.stride, linear.padding, 1));
    }

    /** ŵ = w / ‖w‖ over (I, k, k), owned by x's manager. */
    private NDArray unitWeight(NDArray x) {
        NDArray w = linear.weight();
        NDArray norm = w.norm(new int[] {1, 2, 3}, true);
        norm.attach(x.getManager());
        return Scopes.owned(x, w.div(norm));
    }

    /** sqrt(Σ over each k×k patch and all channels of x² + 1e-6), (B, 1, H', W'). */
    private NDArray patchNorm(NDArray x) {
        int k = linear.kernel();
        NDArray squares = x.square().sum(new int[] {1}, true);
        NDArray mean = Pool.avgPool2d(squares, new Shape(k, k), new Shape(linear.stride, linear.stride),
                new Shape(linear.padding, linear.padding), false, true);
        return Scalars.mul(mean, k * k).add(1e-6).sqrt();
    }
}
