package e2kd.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.StringJoiner;

/**
 * Writes a {@link TensorData} as a {@code .npy} file, format version 1.0: the magic {@code \x93NUMPY}, version bytes
 * 1 and 0, a little-endian uint16 header length, an ASCII Python dict
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded with spaces and a final newline so that
 * the data starts at a multiple of 64, then the row-major little-endian elements. Written atomically.
 */
public final class NpyWriter {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE = 10;
    private static final int ALIGNMENT = 64;

    private NpyWriter() {}

    /** Writes {@code tensor}; bfloat16 has no numpy dtype and is refused. */
    public static void write(TensorData tensor, Path file) {
        String descr = tensor.dtype()
                .numpyDescr()
                .orElseThrow(() -> new E2kdIoException(
                        file,
                        "cannot write " + tensor.dtype()
                                + " to .npy: numpy has no such dtype (convert to float32 first)"));
        byte[] header = header(descr, tensor.shape());
        AtomicFiles.write(file, out -> {
            out.write(MAGIC);
            out.write(new byte[] {1, 0, (byte) header.length, (byte) (header.length >>> 8)});
            out.write(header);
            Buffers.write(tensor.data(), out);
        });
    }

    private static byte[] header(String descr, long[] shape) {
        StringJoiner dims = new StringJoiner(", ", "(", shape.length == 1 ? ",)" : ")");
        for (long d : shape) {
            dims.add(Long.toString(d));
        }
        StringBuilder h =
                new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }");
        int total = PREAMBLE + h.length() + 1;
        h.append(" ".repeat((ALIGNMENT - total % ALIGNMENT) % ALIGNMENT)).append('\n');
        return h.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
