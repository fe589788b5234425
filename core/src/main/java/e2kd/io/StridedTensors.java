package e2kd.io;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Turns {@code _rebuild_tensor_v2}'s (storage, offset, size, stride) into a contiguous {@link TensorData}. A
 * contiguous view shares the storage bytes; any other view (transposed, sliced with steps, expanded with stride 0) is
 * copied element by element in row-major order. Copies are charged against a byte budget so that a small file cannot
 * make the reader materialize huge overlapping views.
 */
final class StridedTensors {
    /** Tensors have at most this many dimensions (PyTorch's own limit is 64 too, in practice). */
    static final int MAX_RANK = 64;

    private long budget;

    /** {@code copyBudget}: the most bytes all non-contiguous views together may expand to. */
    StridedTensors(long copyBudget) {
        this.budget = copyBudget;
    }

    TensorData view(TorchObjects.Storage storage, long offset, long[] size, long[] stride) {
        if (size.length != stride.length || size.length > MAX_RANK) {
            throw new UnpicklingException("tensor has " + size.length + " sizes and " + stride.length
                    + " strides (at most " + MAX_RANK + " dimensions)");
        }
        long numel;
        long last = offset;
        try {
            numel = 1;
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0 || stride[i] < 0) {
                    throw new UnpicklingException("tensor size " + Arrays.toString(size) + " / stride "
                            + Arrays.toString(stride) + " has negative entries");
                }
                numel = Math.multiplyExact(numel, size[i]);
                if (size[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new UnpicklingException(
                    "tensor size " + Arrays.toString(size) + " / stride " + Arrays.toString(stride) + " overflows");
        }
        if (offset < 0 || (numel > 0 ? last >= storage.numel() : offset > storage.numel())) {
            throw new UnpicklingException("tensor at offset " + offset + " with size " + Arrays.toString(size)
                    + " and stride " + Arrays.toString(stride) + " reaches beyond its storage "
                    + E2kdIoException.quote(storage.key()) + " of " + storage.numel() + " elements");
        }
        int item = storage.dtype().itemSize();
        if (numel == 0 || isContiguous(size, stride)) {
            ByteBuffer slice = ByteBuffer.wrap(storage.bytes(), (int) (offset * item), (int) (numel * item))
                    .slice();
            return TensorData.wrap(storage.dtype(), size, slice);
        }
        if (numel > Math.min(budget, Integer.MAX_VALUE - 8) / item) {
            throw new UnpicklingException("non-contiguous tensor of size " + Arrays.toString(size) + " would expand to "
                    + numel + " x " + item + " bytes, more than this file's size allows");
        }
        long bytes = numel * item;
        budget -= bytes;
        return TensorData.wrap(
                storage.dtype(), size, ByteBuffer.wrap(copy(storage.bytes(), item, offset, size, stride, (int) bytes)));
    }

    /** Row-major contiguity as {@code Tensor.is_contiguous()} defines it: dimensions of size 1 may have any stride. */
    private static boolean isContiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] != 1) {
                if (stride[i] != expected) {
                    return false;
                }
                expected *= size[i];
            }
        }
        return true;
    }

    /** Copies the view in row-major order: the last dimension in runs, the others by an odometer. */
    private static byte[] copy(byte[] src, int item, long offset, long[] size, long[] stride, int bytes) {
        byte[] out = new byte[bytes];
        int rank = size.length;
        int inner = (int) size[rank - 1];
        int innerStride = (int) stride[rank - 1];
        long[] index = new long[rank - 1];
        long base = offset;
        int pos = 0;
        while (pos < bytes) {
            if (innerStride == 1) {
                System.arraycopy(src, (int) base * item, out, pos, inner * item);
                pos += inner * item;
            } else {
                for (int j = 0; j < inner; j++) {
                    System.arraycopy(src, (int) (base + (long) j * innerStride) * item, out, pos, item);
                    pos += item;
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                base += stride[d];
                if (++index[d] < size[d]) {
                    break;
                }
                base -= stride[d] * size[d];
                index[d] = 0;
            }
        }
        return out;
    }
}
