package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.convolutional.Conv2d;

/** Convolutions and their transposes, built from libtorch's conv2d (DJL's PyTorch engine has no deconvolution). */
public final class ConvOps {
    private ConvOps() {}

    /** conv2d without bias; x (B, I, H, W), w (O, I/groups, k, k) → (B, O, H', W'). */
    public static NDArray conv(NDArray x, NDArray w, int stride, int padding, int groups) {
        return Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1),
                groups).singletonOrThrow();
    }

    /**
     * The transpose (adjoint) of {@link #conv} with respect to its input: for g of the output's shape returns
     * Jᵀg of shape (B, I, inH, inW). Written as a stride-1 conv2d with the kernel flipped and in/out swapped
     * (padding k−1−p), after interleaving zeros for stride s; the output padding that restores the input size
     * comes from trimming or zero-padding (METHOD.md §2).
     */
    public static NDArray convTranspose(NDArray g, NDArray w, int stride, int padding, int groups,
                                        long inH, long inW) {
        long k = w.getShape().get(2);
        NDArray up = stride == 1 ? g : interleaveZeros(g, stride);
        NDArray wt = transposedKernel(w, groups);
        NDArray full = conv(up, wt, 1, (int) (k - 1 - padding), groups);
        return fit(fit(full, 2, inH), 3, inW);
    }

    /**
     * Trims {@code x} along {@code axis} to {@code size}, or pads it with zeros at the end: input rows that no window
     * covered (e.g. the last row of an odd input under 2×2 stride-2 pooling) get no gradient.
     */
    private static NDArray fit(NDArray x, int axis, long size) {
        long n = x.getShape().get(axis);
        if (n == size) {
            return x;
        }
        if (n > size) {
            return x.get(axis == 2 ? new NDIndex(":, :, :{}", size) : new NDIndex(":, :, :, :{}", size));
        }
        long[] padShape = x.getShape().getShape();
        padShape[axis] = size - n;
        return x.concat(x.getManager().zeros(new Shape(padShape), x.getDataType()), axis);
    }

    /** (O, I/G, k, k) → (I, O/G, k, k), flipped in both spatial dims. */
    private static NDArray transposedKernel(NDArray w, int groups) {
        Shape s = w.getShape();
        long o = s.get(0);
        long ig = s.get(1);
        long k = s.get(2);
        NDArray swapped;
        if (groups == 1) {
            swapped = w.transpose(1, 0, 2, 3);
        } else {
            swapped = w.reshape(groups, o / groups, ig, k, k).transpose(0, 2, 1, 3, 4)
                    .reshape(groups * ig, o / groups, k, k);
        }
        return swapped.flip(2, 3);
    }

    /** (B, C, m, n) → (B, C, m·s, n·s) with g at positions (i·s, j·s) and zeros elsewhere. */
    private static NDArray interleaveZeros(NDArray g, int s) {
        Shape sh = g.getShape();
        long b = sh.get(0);
        long c = sh.get(1);
        long m = sh.get(2);
        long n = sh.get(3);
        NDArray cols = NDArrays.concat(new ai.djl.ndarray.NDList(g.expandDims(4),
                g.getManager().zeros(new Shape(b, c, m, n, s - 1), g.getDataType())), 4)
                .reshape(b, c, m, n * s);
        return NDArrays.concat(new ai.djl.ndarray.NDList(cols.expandDims(3),
                g.getManager().zeros(new Shape(b, c, m, s - 1, n * s), g.getDataType())), 3)
                .reshape(b, c, m * s, n * s);
    }
}
