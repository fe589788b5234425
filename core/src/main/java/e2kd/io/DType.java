package e2kd.io;

import java.util.Arrays;
import java.util.Optional;

/**
 * Element types a {@link TensorData} can hold, with their names in the two on-disk formats: the PyTorch storage class
 * ({@code torch.FloatStorage}, ...) used by {@code torch.save}, and the numpy {@code descr} used by {@code .npy}
 * (bfloat16 has none). All multi-byte types are stored little-endian.
 */
public enum DType {
    FLOAT32(4, "FloatStorage", "<f4"),
    FLOAT64(8, "DoubleStorage", "<f8"),
    FLOAT16(2, "HalfStorage", "<f2"),
    BFLOAT16(2, "BFloat16Storage", null),
    INT64(8, "LongStorage", "<i8"),
    INT32(4, "IntStorage", "<i4"),
    INT16(2, "ShortStorage", "<i2"),
    INT8(1, "CharStorage", "|i1"),
    UINT8(1, "ByteStorage", "|u1"),
    BOOL(1, "BoolStorage", "|b1");

    private final int itemSize;
    private final String storageClass;
    private final String numpyDescr;

    DType(int itemSize, String storageClass, String numpyDescr) {
        this.itemSize = itemSize;
        this.storageClass = storageClass;
        this.numpyDescr = numpyDescr;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** Name of the storage class in module {@code torch}, e.g. {@code FloatStorage}. */
    public String storageClass() {
        return storageClass;
    }

    /** The {@code .npy} descr, e.g. {@code <f4}; empty for bfloat16, which numpy lacks. */
    public Optional<String> numpyDescr() {
        return Optional.ofNullable(numpyDescr);
    }

    /** True for the floating-point types. */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    /** The type whose storage class in module {@code torch} is {@code name}, if any. */
    public static Optional<DType> fromStorageClass(String name) {
        return Arrays.stream(values()).filter(d -> d.storageClass.equals(name)).findFirst();
    }

    /** The type whose numpy descr is exactly {@code descr}, if any. */
    public static Optional<DType> fromNumpyDescr(String descr) {
        return Arrays.stream(values()).filter(d -> descr.equals(d.numpyDescr)).findFirst();
    }
}
