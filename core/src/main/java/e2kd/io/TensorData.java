package e2kd.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor as plain data: element type, shape and elements as a contiguous row-major little-endian byte buffer.
 * Immutable: factories copy their input and {@link #data()} hands out read-only views. Independent of DJL.
 *
 * <p>The element buffer holds at most {@code 2^31 - 1} bytes (a Java array).
 */
public final class TensorData {
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    private TensorData(DType dtype, long[] shape, ByteBuffer data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long n = numel(this.shape);
        if (n * dtype.itemSize() != data.remaining()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + n * dtype.itemSize() + " bytes, got " + data.remaining());
        }
        this.data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A tensor holding a copy of the remaining bytes of {@code data} (little-endian, row-major). */
    public static TensorData of(DType dtype, long[] shape, ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data.duplicate()).flip();
        return new TensorData(dtype, shape, copy);
    }

    /** Wraps a buffer that no one else may modify, without copying. */
    static TensorData wrap(DType dtype, long[] shape, ByteBuffer owned) {
        return new TensorData(dtype, shape, owned);
    }

    public static TensorData ofDoubles(long[] shape, double[] values) {
        ByteBuffer b = allocate(values.length, DType.FLOAT64);
        b.asDoubleBuffer().put(values);
        return new TensorData(DType.FLOAT64, shape, b);
    }

    public static TensorData ofFloats(long[] shape, float[] values) {
        ByteBuffer b = allocate(values.length, DType.FLOAT32);
        b.asFloatBuffer().put(values);
        return new TensorData(DType.FLOAT32, shape, b);
    }

    public static TensorData ofLongs(long[] shape, long[] values) {
        ByteBuffer b = allocate(values.length, DType.INT64);
        b.asLongBuffer().put(values);
        return new TensorData(DType.INT64, shape, b);
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape; empty for a scalar. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements (the product of the shape; 1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    /** A read-only little-endian view of the elements, positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements as doubles (exact for all types but INT64 beyond 2^53); bool is 0 or 1. */
    public double[] toDoubleArray() {
        double[] out = new double[(int) numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = element(i);
        }
        return out;
    }

    /** The elements as floats, with float16 and bfloat16 widened exactly. */
    public float[] toFloatArray() {
        float[] out = new float[(int) numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dtype == DType.FLOAT64 || !dtype.isFloatingPoint() ? (float) element(i) : toFloatAt(i);
        }
        return out;
    }

    /** The elements of an integer or bool tensor as longs. */
    public long[] toLongArray() {
        if (dtype.isFloatingPoint()) {
            throw new IllegalStateException("toLongArray on a " + dtype + " tensor");
        }
        long[] out = new long[(int) numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = integral(i);
        }
        return out;
    }

    private double element(int i) {
        return switch (dtype) {
            case FLOAT64 -> data.getDouble(8 * i);
            case FLOAT32, FLOAT16, BFLOAT16 -> toFloatAt(i);
            default -> integral(i);
        };
    }

    private float toFloatAt(int i) {
        return switch (dtype) {
            case FLOAT32 -> data.getFloat(4 * i);
            case FLOAT16 -> halfToFloat(data.getShort(2 * i));
            default -> Float.intBitsToFloat(data.getShort(2 * i) << 16);
        };
    }

    private long integral(int i) {
        return switch (dtype) {
            case INT64 -> data.getLong(8 * i);
            case INT32 -> data.getInt(4 * i);
            case INT16 -> data.getShort(2 * i);
            case INT8 -> data.get(i);
            case UINT8 -> data.get(i) & 0xff;
            case BOOL -> data.get(i) != 0 ? 1 : 0;
            default -> throw new IllegalStateException(dtype.toString());
        };
    }

    /** IEEE 754 binary16 to binary32, exact (subnormals, infinities and NaN payloads included). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static ByteBuffer allocate(int count, DType dtype) {
        return ByteBuffer.allocate(Math.multiplyExact(count, dtype.itemSize())).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Equal when dtype, shape and every element byte are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && dtype == t.dtype && Arrays.equals(shape, t.shape) && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), data);
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
