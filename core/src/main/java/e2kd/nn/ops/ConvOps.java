package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/** Convolutions and their transposes, built from libtorch's conv2d (DJL's PyTorch engine has no deconvolution). */
public final class ConvOps {
    /** {@code -De2kd.matrixProductConvolutions=false} keeps every convolution on libtorch's kernels (A/B benchmarks). */
    private static final boolean MATRIX_PRODUCTS =
            Boolean.parseBoolean(System.getProperty("e2kd.matrixProductConvolutions", "true"));

    private ConvOps() {}

    /**
     * conv2d without bias; x (B, I, H, W), w (O, I/groups, k, k) → (B, O, H', W'); as one matrix product
     * ({@link GemmConv}) where {@link #prefersMatrixProduct} says that is faster, else libtorch's conv2d.
     */
    public static NDArray conv(NDArray x, NDArray w, int stride, int padding, int groups) {
        Shape ws = w.getShape();
        long outH = (x.getShape().get(2) + 2L * padding - ws.get(2)) / stride + 1;
        long outW = (x.getShape().get(3) + 2L * padding - ws.get(3)) / stride + 1;
        if (prefersMatrixProduct(w, stride, groups, outH * outW)) {
            return GemmConv.conv(x, w, stride, padding);
        }
        return libtorchConv(x, w, stride, padding, groups);
    }

    /**
     * w (O, I, k, k) as the (O, I·k·k) matrix that the matrix-product route multiplies by, owned by {@code like}'s
     * manager. Where one weight enters several products in a pass (a B-cos layer's forward, its transposed pass and
     * its norms), giving them all this one array lets libtorch's backward add their gradients in place: it adds in
     * place only into a gradient that is not a view, and the gradient through each reshape of w is one
     * (docs/PERFORMANCE.md, item 33).
     */
    public static NDArray productMatrix(NDArray like, NDArray w) {
        return GemmConv.matrix(like, w);
    }

    /** {@link #conv} on the matrix-product route, groups 1, with w as its {@link #productMatrix} and kernel size k. */
    public static NDArray productConv(NDArray x, NDArray matrix, int k, int stride, int padding) {
        return GemmConv.conv(x, matrix, k, stride, padding);
    }

    /** {@link #convTranspose} on the matrix-product route, groups 1, with w as its {@link #productMatrix}. */
    public static NDArray productConvTranspose(
            NDArray g, NDArray matrix, int k, int stride, int padding, long inH, long inW) {
        return GemmConv.convTranspose(g, matrix, k, stride, padding, inH, inW);
    }

    /** libtorch's conv2d (oneDNN on CPU), whatever the shapes. */
    public static NDArray libtorchConv(NDArray x, NDArray w, int stride, int padding, int groups) {
        return conv(x, w, stride, padding, padding, groups);
    }

    /** libtorch's conv2d with a bias (O), which oneDNN adds inside the convolution. */
    public static NDArray libtorchConv(NDArray x, NDArray w, NDArray bias, int stride, int padding) {
        return Conv2d.conv2d(x, w, bias, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /**
     * Whether a convolution with kernel w and {@code positions} output pixels per image runs faster as one matrix
     * product than as libtorch's oneDNN kernels. Measured per layer of ImageNet-width ResNets, forward, backward
     * and transpose, on AVX2 (docs/PERFORMANCE.md): with ≥ 256 output channels on maps of at most 7×7 the product
     * wins for strided and 1×1 convolutions and for ≥ 512 input channels; oneDNN's direct kernels win on larger
     * maps, fewer channels and the 7×7 stem. Narrower layers (the small models of the tests, the demo and
     * reproduce) were not measured to gain and keep libtorch's kernels, and so their results.
     */
    public static boolean prefersMatrixProduct(NDArray w, int stride, int groups, long positions) {
        Shape ws = w.getShape();
        long k = ws.get(2);
        if (!MATRIX_PRODUCTS || groups != 1 || k != ws.get(3) || k > 3 || positions > 49 || ws.get(0) < 256) {
            return false;
        }
        return stride > 1 || k == 1 || ws.get(1) >= 512;
    }

    private static NDArray conv(NDArray x, NDArray w, int stride, long padH, long padW, int groups) {
        return Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(padH, padW), new Shape(1, 1), groups)
                .singletonOrThrow();
    }

    /**
     * The transpose (adjoint) of {@link #conv} with respect to its input: for g of the output's shape returns
     * Jᵀg of shape (B, I, inH, inW) (METHOD.md §2): a matrix product where {@link #prefersMatrixProduct}, else
     * one stride-1 conv2d of g with the {@link SubPixelKernel}
     * (for stride 1 simply the kernel flipped, in/out swapped, padding k−1−p). Where, at stride 1, the kernel holds
     * more values than g and the result together, the data is flipped instead (flip ∘ conv(·, swapped kernel) ∘
     * flip, the same map), so that no kernel-sized copy is made. Differentiable in g and w.
     */
    public static NDArray convTranspose(NDArray g, NDArray w, int stride, int padding, int groups, long inH, long inW) {
        if (prefersMatrixProduct(
                w, stride, groups, g.getShape().get(2) * g.getShape().get(3))) {
            return GemmConv.convTranspose(g, w, stride, padding, inH, inW);
        }
        if (stride == 1 && flippingDataIsCheaper(g, w, groups, inH, inW, padding)) {
            return convTransposeFlippingData(g, w, padding, groups);
        }
        return SubPixelKernel.of(w, stride, padding, groups, g.getManager()).apply(g, inH, inW);
    }

    /** Whether g and the result (both flipped) hold fewer values than the kernel (copied when flipped). */
    private static boolean flippingDataIsCheaper(NDArray g, NDArray w, int groups, long inH, long inW, int padding) {
        Shape ws = w.getShape();
        long k = ws.get(2);
        if (k == 1 || ws.get(3) != k || padding > k - 1) {
            return false;
        }
        long result = g.getShape().get(0) * ws.get(1) * groups * inH * inW;
        return g.size() + result < w.size();
    }

    /** Stride-1 Jᵀg as flip(conv(flip(g), w with in/out swapped, padding k−1−p)); for k > p, square kernels. */
    static NDArray convTransposeFlippingData(NDArray g, NDArray w, int padding, int groups) {
        long k = w.getShape().get(2);
        Shape s = w.getShape();
        long o = s.get(0);
        long ig = s.get(1);
        NDArray swapped = groups == 1
                ? Scopes.owned(g, w.transpose(1, 0, 2, 3))
                : Scopes.owned(g, w.reshape(groups, o / groups, ig, k, k))
                        .transpose(0, 2, 1, 3, 4)
                        .reshape(groups * ig, o / groups, k, k);
        return libtorchConv(g.flip(2, 3), swapped, 1, (int) (k - 1 - padding), groups)
                .flip(2, 3);
    }

    /** {@code a} in row-major order: a copy where {@code a} is a view with other strides, else a view of it. */
    public static NDArray contiguous(NDArray a) {
        return a.reshape(-1).reshape(a.getShape());
    }

    /**
     * The transposed convolution of a stride-s convolution (k×k, padding p) as ONE stride-1 convolution whose s²
     * output-channel blocks are the output phases ("sub-pixel" form; no zero interleaving, no per-phase slicing).
     * Output pixel u = s·m + r only receives kernel taps a ≡ r + p (mod s): with padding P,
     * x̄[s·m + r] = Σ_τ V_r[τ]·g[m + τ − P] where V_r[τ] = w[r + p + s·P − s·τ] (zero outside the kernel), per axis.
     * V is w zero-padded to s·K per axis, split into (K, s), flipped along K, the s-axes moved in front of the
     * swapped channels. The phases are then interleaved into (B, I, inH, inW) by one permutation. The kernel depends
     * only on the weight and may be kept while it does not change (a frozen teacher's).
     */
    public static final class SubPixelKernel {
        private final NDArray kernel;
        private final int stride;
        private final int groups;
        private final long padding;

        private SubPixelKernel(NDArray kernel, int stride, int groups, long padding) {
            this.kernel = kernel;
            this.stride = stride;
            this.groups = groups;
            this.padding = padding;
        }

        /** The kernel for w (O, I/G, k, k), stride s, padding p, owned by {@code owner} (its intermediates are freed). */
        public static SubPixelKernel of(NDArray w, int stride, int padding, int groups, NDManager owner) {
            Shape ws = w.getShape();
            long o = ws.get(0);
            long ig = ws.get(1);
            int k = (int) ws.get(2);
            int s = stride;
            // P: the largest tap a of each phase r (a ≡ r + p mod s) must sit at τ = (r + p + sP − a)/s ≥ 0.
            // K: the smallest tap of each phase at τ ≤ K − 1.
            int pad = 0;
            int size = 0;
            for (int r = 0; r < s; r++) {
                int first = Math.floorMod(r + padding, s);
                if (first < k) {
                    int last = first + (k - 1 - first) / s * s;
                    pad = Math.max(pad, Math.floorDiv(last - r - padding, s));
                }
            }
            for (int r = 0; r < s; r++) {
                int first = Math.floorMod(r + padding, s);
                if (first < k) {
                    size = Math.max(size, (r + padding + s * pad - first) / s + 1);
                }
            }
            int before = s * (size - 1) - padding - s * pad;
            int after = s * size - before - k;
            Shape splitShape = new Shape(groups, o / groups, ig, size, s, size, s);
            try (NDManager scratch = owner.newSubManager()) {
                NDArray split = before == 0 && after == 0
                        ? Scopes.owned(scratch, w.reshape(splitShape))
                        : Scopes.owned(scratch, w.pad(new Shape(before, after, before, after), 0))
                                .reshape(splitShape);
                NDArray flipped = size == 1 ? split : split.flip(3, 5);
                // At stride 1 this reshape is a view with the channel axes' strides swapped: kept that way, every
                // call would copy it (libtorch's conv2d makes a non-contiguous weight contiguous first).
                NDArray v = contiguous(
                        flipped.transpose(0, 4, 6, 2, 1, 3, 5).reshape(groups * s * s * ig, o / groups, size, size));
                v.attach(owner);
                return new SubPixelKernel(v, s, groups, pad);
            }
        }

        /** The stride-1 kernel V (s²·I, O/groups, K, K). */
        NDArray kernel() {
            return kernel;
        }

        /** Jᵀg, (B, I, inH, inW), for g (B, O, H', W'); owned by g's manager. */
        public NDArray apply(NDArray g, long inH, long inW) {
            Shape gs = g.getShape();
            long size = kernel.getShape().get(2);
            long m = (inH + stride - 1) / stride;
            long n = (inW + stride - 1) / stride;
            // Outputs i < m need g[i + τ − P] for τ < K: P zeros before g and (m + K − 1 − P − length) after it.
            long afterH = m + size - 1 - padding - gs.get(2);
            long afterW = n + size - 1 - padding - gs.get(3);
            NDArray padded = afterH > padding || afterW > padding
                    ? g.pad(new Shape(0, Math.max(0, afterW - padding), 0, Math.max(0, afterH - padding)), 0)
                    : g;
            NDArray out = conv(padded, kernel, 1, padding, padding, groups);
            Shape os = out.getShape();
            if (os.get(2) != m || os.get(3) != n) {
                out = out.get(new NDIndex(":, :, :{}, :{}", m, n));
            }
            if (stride == 1) {
                return out;
            }
            long b = gs.get(0);
            long ig = kernel.getShape().get(0) / (groups * stride * stride);
            NDArray interleaved = out.reshape(b, groups, stride, stride, ig, m, n)
                    .transpose(0, 1, 4, 5, 2, 6, 3)
                    .reshape(b, groups * ig, m * stride, n * stride);
            if (m * stride == inH && n * stride == inW) {
                return interleaved;
            }
            return interleaved.get(new NDIndex(":, :, :{}, :{}", inH, inW));
        }
    }
}
