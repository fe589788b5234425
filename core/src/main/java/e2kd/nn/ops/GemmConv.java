package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A convolution and its transpose as one matrix product with the weight as stored, (O, I·k·k), for wide layers on
 * maps with few output positions (groups = 1; chosen by {@link ConvOps#prefersMatrixProduct}). There oneDNN's
 * kernels run below the CPU's matrix-product speed, its weight gradient falls back to a slow gemm path (512
 * channels at 2×2: 45–77 ms per convolution backward in a profiled step, about 15 ms as matrix products), and a
 * strided transpose would need a rearranged copy of the kernel every step; the product takes w as it is
 * (docs/PERFORMANCE.md).
 *
 * <pre>
 *   conv:   cols (B·H'·W', I·k·k) = the k·k shifted, strided views of the padded x, channels-last
 *           out  = cols · w_(O, I·k·k)ᵀ                       → (B, O, H', W')
 *   convᵀ:  dcols (B·H'·W', I·k·k) = g_(B·H'·W', O) · w_(O, I·k·k)
 *           Jᵀg  = Σ over taps (a, b) of dcols[.., a, b] placed at (s·y + a − p, s·x + b − p)  (col2im)
 * </pre>
 * Both are differentiable in the data and in w; the gradients are matrix products and slicing.
 *
 * <p>Where the input has few pixels next to the output channels (inH·inW ≤ O/4, e.g. every 512-channel layer of a
 * ResNet at 64 px; not for 1×1 stride-1 kernels, which have no taps to gather), the taps are gathered and placed by
 * one more matrix product with the 0/1 {@link #tapMatrix} T (inH·inW, H'·W'·k·k) instead: cols = x·T and
 * Jᵀg = dcols·Tᵀ, a product costing at most a quarter of the convolution's multiply-adds, in place of k·k slices
 * (each a zero-filled input-sized gradient) and k·k padded, summed placements.
 */
final class GemmConv {
    /** {@link #tapMatrix}'s values by geometry; a network has a handful of geometries, each at most a few 100 kB. */
    private static final Map<List<Long>, float[]> TAP_MATRICES = new ConcurrentHashMap<>();

    private GemmConv() {}

    /** conv2d without bias, groups 1; x (B, I, H, W), w (O, I, k, k) → (B, O, H', W'). */
    static NDArray conv(NDArray x, NDArray w, int stride, int padding) {
        return conv(x, matrix(x, w), (int) w.getShape().get(2), stride, padding);
    }

    /** {@link #conv(NDArray, NDArray, int, int)} with w given as its (O, I·k·k) matrix. */
    static NDArray conv(NDArray x, NDArray matrix, int k, int stride, int padding) {
        Shape xs = x.getShape();
        long b = xs.get(0);
        long in = xs.get(1);
        long o = matrix.getShape().get(0);
        long outH = (xs.get(2) + 2L * padding - k) / stride + 1;
        long outW = (xs.get(3) + 2L * padding - k) / stride + 1;
        NDArray cols;
        if (gathersByProduct(xs.get(2) * xs.get(3), o, k, stride)) {
            cols = x.reshape(b * in, xs.get(2) * xs.get(3))
                    .matMul(tapMatrix(x, xs.get(2), xs.get(3), outH, outW, k, stride, padding))
                    .reshape(b, in, outH * outW, (long) k * k)
                    .transpose(0, 2, 1, 3)
                    .reshape(b * outH * outW, in * k * k);
        } else {
            cols = taps(x, k, stride, padding, outH, outW);
        }
        NDArray out = cols.matMul(matrix.transpose());
        return channelsFirst(out.reshape(b, outH, outW, o));
    }

    /** The k·k shifted, strided views of the padded x, channels-last, as (B·H'·W', I·k·k). */
    private static NDArray taps(NDArray x, int k, int stride, int padding, long outH, long outW) {
        long b = x.getShape().get(0);
        long in = x.getShape().get(1);
        NDArray channelsLast = x.transpose(0, 2, 3, 1);
        NDArray padded =
                padding == 0 ? channelsLast : channelsLast.pad(new Shape(0, 0, padding, padding, padding, padding), 0);
        NDArray cols;
        if (k == 1) {
            cols = stride == 1
                    ? padded
                    : padded.get(":, " + stridedWindow(0, outH, stride) + ", " + stridedWindow(0, outW, stride));
            cols = cols.reshape(b * outH * outW, in);
        } else {
            NDList taps = new NDList(k * k);
            for (int a = 0; a < k; a++) {
                for (int c = 0; c < k; c++) {
                    taps.add(
                            padded.get(":, " + stridedWindow(a, outH, stride) + ", " + stridedWindow(c, outW, stride)));
                }
            }
            cols = NDArrays.stack(taps, 4).reshape(b * outH * outW, in * k * k);
        }
        return cols;
    }

    /**
     * The transpose of {@link #conv} with respect to its input: g (B, O, H', W') → Jᵀg (B, I, inH, inW), the
     * gradient of ⟨g, conv(v, w)⟩ with respect to v.
     */
    static NDArray convTranspose(NDArray g, NDArray w, int stride, int padding, long inH, long inW) {
        return convTranspose(g, matrix(g, w), (int) w.getShape().get(2), stride, padding, inH, inW);
    }

    /** {@link #convTranspose(NDArray, NDArray, int, int, long, long)} with w given as its (O, I·k·k) matrix. */
    static NDArray convTranspose(NDArray g, NDArray matrix, int k, int stride, int padding, long inH, long inW) {
        Shape gs = g.getShape();
        long b = gs.get(0);
        long outH = gs.get(2);
        long outW = gs.get(3);
        long o = matrix.getShape().get(0);
        long in = matrix.getShape().get(1) / ((long) k * k);
        NDArray rows = g.transpose(0, 2, 3, 1).reshape(b * outH * outW, o);
        NDArray products = rows.matMul(matrix);
        if (gathersByProduct(inH * inW, o, k, stride)) {
            return products.reshape(b, outH * outW, in, (long) k * k)
                    .transpose(0, 2, 1, 3)
                    .reshape(b * in, outH * outW * k * k)
                    .matMul(tapMatrix(g, inH, inW, outH, outW, k, stride, padding)
                            .transpose())
                    .reshape(b, in, inH, inW);
        }
        NDArray dcols = products.reshape(b, outH, outW, in, k * k);
        // The padded input's extent; taps that reach past the unpadded input land in the cropped border.
        long paddedH = Math.max(inH + 2L * padding, stride * (outH - 1) + k);
        long paddedW = Math.max(inW + 2L * padding, stride * (outW - 1) + k);
        // One split (its gradient is one concatenation) rather than k·k slices (each a zero-filled dcols).
        NDList taps = dcols.split(k * k, 4);
        NDArray sum = null;
        for (int a = 0; a < k; a++) {
            for (int c = 0; c < k; c++) {
                NDArray tap = taps.get(a * k + c).squeeze(4);
                NDArray placed = place(tap, stride, a, c, paddedH, paddedW);
                sum = sum == null ? placed : sum.add(placed);
            }
        }
        NDArray cropped = sum.get(new NDIndex(":, {}:{}, {}:{}", padding, padding + inH, padding, padding + inW));
        return channelsFirst(cropped);
    }

    /** w (O, I, k, k) as the (O, I·k·k) matrix the products take, owned by {@code like}'s manager. */
    static NDArray matrix(NDArray like, NDArray w) {
        return Scopes.owned(like, w.reshape(w.getShape().get(0), -1));
    }

    /**
     * Whether the taps of an input with {@code pixels} pixels per channel are gathered by a matrix product (a 1×1,
     * stride-1 convolution has none to gather).
     */
    private static boolean gathersByProduct(long pixels, long outChannels, int k, int stride) {
        return (k > 1 || stride > 1) && 4 * pixels <= outChannels;
    }

    /**
     * T (inH·inW, H'·W'·k·k), of {@code like}'s type and manager: T[(u, v), ((y, x), (a, c))] = 1 where input pixel
     * (u, v) = (s·y + a − p, s·x + c − p), else 0 (taps on the zero padding have no pixel).
     */
    private static NDArray tapMatrix(
            NDArray like, long inH, long inW, long outH, long outW, int k, int stride, int padding) {
        List<Long> key = List.of(inH, inW, outH, outW, (long) k, (long) stride, (long) padding);
        float[] ones = TAP_MATRICES.computeIfAbsent(key, unused -> {
            long columns = outH * outW * k * k;
            float[] t = new float[Math.toIntExact(inH * inW * columns)];
            for (long y = 0; y < outH; y++) {
                for (long x = 0; x < outW; x++) {
                    for (int a = 0; a < k; a++) {
                        for (int c = 0; c < k; c++) {
                            long u = stride * y + a - padding;
                            long v = stride * x + c - padding;
                            if (u >= 0 && u < inH && v >= 0 && v < inW) {
                                long column = ((y * outW + x) * k + a) * k + c;
                                t[Math.toIntExact((u * inW + v) * columns + column)] = 1f;
                            }
                        }
                    }
                }
            }
            return t;
        });
        NDArray t = like.getManager().create(ones, new Shape(inH * inW, outH * outW * k * k));
        return t.getDataType() == like.getDataType() ? t : t.toType(like.getDataType(), false);
    }

    /**
     * (B, H, W, C) as a contiguous (B, C, H, W). A channels-last result would make libtorch copy every later
     * oneDNN convolution's weight into channels-last.
     */
    private static NDArray channelsFirst(NDArray channelsLast) {
        return ConvOps.contiguous(channelsLast.transpose(0, 3, 1, 2));
    }

    /** t (B, H', W', I) at rows s·y + a and columns s·x + c of a zero (B, paddedH, paddedW, I). */
    private static NDArray place(NDArray t, int stride, int a, int c, long paddedH, long paddedW) {
        Shape ts = t.getShape();
        long h = ts.get(1);
        long w = ts.get(2);
        NDArray spread = t;
        if (stride > 1) {
            // Zeros between the values: (B, H', 1, W', 1, I) padded to (B, H', s, W', s, I), then merged.
            spread = t.reshape(ts.get(0), h, 1, w, 1, ts.get(3))
                    .pad(new Shape(0, 0, 0, stride - 1, 0, 0, 0, stride - 1), 0)
                    .reshape(ts.get(0), h * stride, w * stride, ts.get(3));
        }
        long spreadH = spread.getShape().get(1);
        long spreadW = spread.getShape().get(2);
        long afterH = paddedH - a - spreadH;
        long afterW = paddedW - c - spreadW;
        NDArray fitted = spread;
        if (afterH < 0 || afterW < 0) {
            fitted = spread.get(
                    new NDIndex(":, :{}, :{}", spreadH + Math.min(0, afterH), spreadW + Math.min(0, afterW)));
        }
        return fitted.pad(new Shape(0, 0, c, Math.max(0, afterW), a, Math.max(0, afterH)), 0);
    }

    /** The index "start:start + s·(n − 1) + 1:s" of n positions from start with step s. */
    private static String stridedWindow(long start, long n, int stride) {
        return start + ":" + (start + stride * (n - 1) + 1) + (stride == 1 ? "" : ":" + stride);
    }
}
