package e2kd.nn.bcos;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.layers.Conv2d;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.ConvOps;
import e2kd.nn.ops.Scalars;
import e2kd.nn.ops.Scopes;

/**
 * B-cos convolution, B = 2, no bias (B-cos-v2 {@code BcosConv2d}); key {@code linear.weight} (O, I, k, k).
 *
 * <pre>
 *   ŵ = w / ‖w‖ (per output unit)     o = ŵ ∗ x     ‖x_patch‖ = sqrt(Σ_patch Σ_c x² + 1e-6)
 *   out = s ⊙ o   with the dynamic factor s = |o| / ‖x_patch‖
 * </pre>
 * Shapes: x (B, I, H, W) → (B, O, H', W'). Transpose: Jᵀg = convᵀ(s ⊙ g, ŵ).
 *
 * <p>ŵ ∗ x = (w ∗ x) / ‖w‖ per output channel, and convᵀ(h, ŵ) = convᵀ(h / ‖w‖, w): the same map (also for its
 * gradients) either way, so each call divides whichever is smaller: the kernel (ŵ formed: the stem and early
 * layers, whose outputs outnumber their weights) or the output (deep layers on small maps). A weight that receives
 * no gradient (a frozen teacher's) keeps ŵ and the transposed pass's sub-kernels of ŵ between calls, until
 * {@link #weightsChanged()}, so its passes divide nothing.
 */
public final class BcosConv2d extends Module implements DynamicLinear {
    private final Conv2d linear;
    private Frozen frozen;

    /**
     * What a gradient-free weight's forward and transpose reuse: ŵ and the transposed pass's sub-kernels of ŵ, both
     * owned by {@code arrays} (a sub-manager of the weight's).
     */
    private record Frozen(NDArray weight, NDManager arrays, NDArray normalized, ConvOps.SubPixelKernel kernels) {}

    public BcosConv2d(NDManager manager, int in, int out, int kernel, int stride, int padding) {
        this.linear = child("linear", new Conv2d(manager, in, out, kernel, stride, padding));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray w = linear.weight();
        Frozen f = frozenOrNull(w);
        NDArray kernel = w;
        NDArray norm = null;
        if (f != null) {
            kernel = f.normalized();
        } else if (kernelIsSmaller(w, x)) {
            kernel = normalized(w, x.getManager());
        } else {
            norm = unitNorms(w, x.getManager());
        }
        NDArray conv = ConvOps.conv(x, kernel, linear.stride, linear.padding, 1);
        NDArray o = norm == null ? conv : conv.div(norm);
        NDArray scale = o.abs().div(patchNorm(x));
        if (trace != null) {
            trace.record(
                    this,
                    new Trace.Entry(
                            scale,
                            kernel,
                            norm,
                            x.getShape().get(2),
                            x.getShape().get(3)));
        }
        return scale.mul(o);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        Trace.Entry e = trace.of(this);
        NDArray h = g.mul(e.factor());
        if (e.weightNorm() != null) {
            h = h.div(e.weightNorm());
        }
        boolean product = ConvOps.prefersMatrixProduct(
                e.weight(), linear.stride, 1, g.getShape().get(2) * g.getShape().get(3));
        if (!product && frozen != null && frozen.normalized() == e.weight()) {
            return frozen.kernels().apply(h, e.inputHeight(), e.inputWidth());
        }
        return ConvOps.convTranspose(h, e.weight(), linear.stride, linear.padding, 1, e.inputHeight(), e.inputWidth());
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        Trace.Entry e = trace.of(this);
        NDArray conv = ConvOps.conv(v, e.weight(), linear.stride, linear.padding, 1);
        return e.factor().mul(e.weightNorm() == null ? conv : conv.div(e.weightNorm()));
    }

    /** Whether w holds fewer values than this convolution's output for x, (B, O, H', W'). */
    private boolean kernelIsSmaller(NDArray w, NDArray x) {
        int k = linear.kernel();
        long outH = (x.getShape().get(2) + 2L * linear.padding - k) / linear.stride + 1;
        long outW = (x.getShape().get(3) + 2L * linear.padding - k) / linear.stride + 1;
        return w.size() < x.getShape().get(0) * w.getShape().get(0) * outH * outW;
    }

    /** ‖w_o‖ over (I, k, k) per output unit, as (1, O, 1, 1), owned by {@code owner}. */
    private static NDArray unitNorms(NDArray w, NDManager owner) {
        NDArray norms = w.hasGradient() && Autograd.isRecording()
                ? Scopes.keepingOnly(w, () -> trainedNorms(w))
                : w.norm(new int[] {1, 2, 3}, false);
        norms.attach(owner);
        return norms.reshape(1, -1, 1, 1);
    }

    /**
     * ‖w_o‖ of a weight being trained, as sqrt(2⟨w_o, sg(w_o)⟩ − sg(⟨w_o, w_o⟩)) with sg = stopGradient and the
     * inner products of all units as one batched matrix product: the value and the gradient w_o/‖w_o‖ are the norm's,
     * but autograd's backward is one product over the weight, where {@code linalg_vector_norm}'s makes three passes
     * (w/‖w‖, a zero-norm mask, the product with the incoming gradient; docs/PERFORMANCE.md, item 28). Its second
     * derivative in w is not the norm's; nothing differentiates the weights' gradient again.
     */
    private static NDArray trainedNorms(NDArray w) {
        NDArray rows = w.reshape(w.getShape().get(0), 1, -1);
        NDArray squares = rows.matMul(rows.stopGradient().transpose(0, 2, 1));
        return Scalars.mul(squares, 2).sub(squares.stopGradient()).sqrt().reshape(-1);
    }

    /** ŵ = w / ‖w‖ per output unit, owned by {@code owner}. */
    private static NDArray normalized(NDArray w, NDManager owner) {
        return Scopes.owned(owner, w.div(unitNorms(w, owner).reshape(-1, 1, 1, 1)));
    }

    /** The reusable arrays of {@code w} when w gets no gradient (built on first use), else null. */
    private Frozen frozenOrNull(NDArray w) {
        if (w.hasGradient()) {
            return null;
        }
        if (frozen == null || frozen.weight() != w) {
            weightsChanged();
            NDManager arrays = w.getManager().newSubManager();
            frozen = Autograd.noGrad(() -> {
                NDArray normalized = normalized(w, arrays);
                return new Frozen(
                        w,
                        arrays,
                        normalized,
                        ConvOps.SubPixelKernel.of(normalized, linear.stride, linear.padding, 1, arrays));
            });
        }
        return frozen;
    }

    @Override
    protected void weightsChanged() {
        if (frozen != null) {
            frozen.arrays().close();
            frozen = null;
        }
    }

    /** sqrt(Σ over each k×k patch and all channels of x² + 1e-6), (B, 1, H', W'). */
    private NDArray patchNorm(NDArray x) {
        int k = linear.kernel();
        NDArray squares = x.square().sum(new int[] {1}, true);
        NDArray mean = Pool.avgPool2d(
                squares,
                new Shape(k, k),
                new Shape(linear.stride, linear.stride),
                new Shape(linear.padding, linear.padding),
                false,
                true);
        return Scalars.mul(mean, k * k).add(1e-6).sqrt();
    }
}
