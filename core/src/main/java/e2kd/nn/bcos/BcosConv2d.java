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
import java.util.Arrays;

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
 * {@link #weightsChanged()}, so its passes divide nothing. Where {@link ConvOps#prefersMatrixProduct} routes the
 * layer to matrix products, the forward, the transposed pass and the norms take one (O, I·k·k) matrix of w (or ŵ),
 * made once per forward, so that libtorch's backward adds their gradients in place ({@link ConvOps#productMatrix}).
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
        long pixels = outputPixels(x);
        boolean product = ConvOps.prefersMatrixProduct(w, linear.stride, 1, pixels);
        // On the matrix-product route the forward, the transposed pass and the norms all take one (O, I·k·k) array.
        NDArray weight = product && f == null ? ConvOps.productMatrix(x, w) : w;
        boolean trained = f == null && Autograd.isRecording();
        NDArray kernel = weight;
        NDArray norm = null;
        if (f != null) {
            kernel = product ? ConvOps.productMatrix(x, f.normalized()) : f.normalized();
        } else if (kernelIsSmaller(w, x, pixels)) {
            kernel = normalized(weight, trained, x.getManager());
        } else {
            norm = unitNorms(weight, trained, x.getManager()).reshape(1, -1, 1, 1);
        }
        NDArray conv = convolve(x, kernel);
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
        NDArray kernel = e.weight();
        if (isProductMatrix(kernel)) {
            return ConvOps.productConvTranspose(
                    h, kernel, linear.kernel(), linear.stride, linear.padding, e.inputHeight(), e.inputWidth());
        }
        if (frozen != null && frozen.normalized() == kernel) {
            return frozen.kernels().apply(h, e.inputHeight(), e.inputWidth());
        }
        return ConvOps.convTranspose(h, kernel, linear.stride, linear.padding, 1, e.inputHeight(), e.inputWidth());
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        Trace.Entry e = trace.of(this);
        NDArray conv = convolve(v, e.weight());
        return e.factor().mul(e.weightNorm() == null ? conv : conv.div(e.weightNorm()));
    }

    /** H'·W' of this convolution's output for x. */
    private long outputPixels(NDArray x) {
        int k = linear.kernel();
        long outH = (x.getShape().get(2) + 2L * linear.padding - k) / linear.stride + 1;
        long outW = (x.getShape().get(3) + 2L * linear.padding - k) / linear.stride + 1;
        return outH * outW;
    }

    /** Whether w holds fewer values than this convolution's output for x, (B, O, H', W'). */
    private static boolean kernelIsSmaller(NDArray w, NDArray x, long outputPixels) {
        return w.size() < x.getShape().get(0) * w.getShape().get(0) * outputPixels;
    }

    /** Whether forward chose the matrix-product route for {@code kernel}: it then holds the (O, I·k·k) matrix. */
    private static boolean isProductMatrix(NDArray kernel) {
        return kernel.getShape().dimension() == 2;
    }

    /** x convolved with {@code kernel} as forward chose it: its product matrix or (O, I, k, k) for libtorch. */
    private NDArray convolve(NDArray x, NDArray kernel) {
        return isProductMatrix(kernel)
                ? ConvOps.productConv(x, kernel, linear.kernel(), linear.stride, linear.padding)
                : ConvOps.libtorchConv(x, kernel, linear.stride, linear.padding, 1);
    }

    /**
     * ‖w_o‖ over all axes but the first, (O), owned by {@code owner}; w is (O, I, k, k) or its (O, I·k·k) matrix,
     * {@code trained} when the weight gets a gradient in this pass (asked of the parameter: DJL's
     * {@code hasGradient} is false on any operator's result).
     */
    private static NDArray unitNorms(NDArray w, boolean trained, NDManager owner) {
        NDArray norms = trained
                ? Scopes.keepingOnly(w, () -> trainedNorms(w))
                : w.reshape(w.getShape().get(0), -1).norm(new int[] {1}, false);
        norms.attach(owner);
        return norms;
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

    /** ŵ = w / ‖w‖ per output unit, of w's shape, owned by {@code owner}. */
    private static NDArray normalized(NDArray w, boolean trained, NDManager owner) {
        long[] perUnit = new long[w.getShape().dimension()];
        Arrays.fill(perUnit, 1);
        perUnit[0] = -1;
        return Scopes.owned(owner, w.div(unitNorms(w, trained, owner).reshape(perUnit)));
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
                NDArray normalized = normalized(w, false, arrays);
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
