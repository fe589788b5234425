package e2kd.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code .npy} file (format versions 1.0, 2.0 and 3.0; see {@link NpyWriter} for the layout) into a
 * {@link TensorData}. Supported descrs are the little-endian ones of {@link DType}: {@code <f2 <f4 <f8 <i2 <i4 <i8}
 * and {@code |i1 |u1 |b1}; Fortran order is refused. The data must hold exactly the elements the header declares.
 */
public final class NpyReader {
    private static final int MAX_HEADER = 1 << 16;

    private NpyReader() {}

    public static TensorData read(Path file) {
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) {
                throw new E2kdIoException(file, "file of " + size + " bytes is too large for one tensor");
            }
            return parse(ByteBuffer.wrap(Files.readAllBytes(file)), file, "");
        } catch (IOException e) {
            throw new E2kdIoException(file, "cannot read: " + e, e);
        }
    }

    /** Parses the {@code .npy} bytes of {@code buf}; {@code where} names the part of {@code file} (an npz entry). */
    static TensorData parse(ByteBuffer buf, Path file, String where) {
        ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        String at = where.isEmpty() ? "" : where + ": ";
        byte[] magic = new byte[NpyWriter.MAGIC.length];
        if (b.remaining() < magic.length + 4 || !Arrays.equals(get(b, magic), NpyWriter.MAGIC)) {
            throw new E2kdIoException(file, at + "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = b.get();
        b.get();
        long headerLength;
        if (major == 1) {
            headerLength = b.getShort() & 0xffff;
        } else if ((major == 2 || major == 3) && b.remaining() >= 4) {
            headerLength = b.getInt() & 0xffffffffL;
        } else {
            throw new E2kdIoException(file, at + ".npy format version " + major + " is not supported (1 to 3)");
        }
        if (headerLength > b.remaining() || headerLength > MAX_HEADER) {
            throw new E2kdIoException(
                    file, at + ".npy header of " + headerLength + " bytes, but " + b.remaining() + " remain");
        }
        String header = new String(
                get(b, new byte[(int) headerLength]),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(header, file, at);
        long bytes = h.numel() > (Integer.MAX_VALUE - 8) / h.dtype().itemSize()
                ? -1
                : h.numel() * h.dtype().itemSize();
        if (bytes != b.remaining()) {
            throw new E2kdIoException(
                    file,
                    at + ".npy header declares " + h.numel() + " x " + h.dtype() + " but " + b.remaining()
                            + " data bytes follow");
        }
        return TensorData.of(h.dtype(), h.shape(), b);
    }

    private static byte[] get(ByteBuffer b, byte[] into) {
        b.get(into);
        return into;
    }

    /** The three keys of a {@code .npy} header dict. */
    private record NpyHeader(DType dtype, long[] shape, long numel) {
        static NpyHeader parse(String header, Path file, String at) {
            String descr = field(header, "descr", "'([^']*)'", file, at);
            String fortran = field(header, "fortran_order", "(True|False)", file, at);
            String dims = field(header, "shape", "\\(([0-9,\\s]*)\\)", file, at);
            if (fortran.equals("True")) {
                throw new E2kdIoException(file, at + "Fortran-ordered .npy arrays are not supported");
            }
            DType dtype = DType.fromNumpyDescr(descr)
                    .orElseThrow(() -> new E2kdIoException(
                            file,
                            at
                                    + "unsupported .npy dtype " + E2kdIoException.quote(descr)
                                    + " (supported: <f2 <f4 <f8 <i2 <i4 <i8 |i1 |u1 |b1)"));
            List<Long> shape = new ArrayList<>();
            long numel = 1;
            for (String d : dims.split(",")) {
                if (d.isBlank()) {
                    continue;
                }
                try {
                    long v = Long.parseLong(d.strip());
                    numel = Math.multiplyExact(numel, v);
                    shape.add(v);
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new E2kdIoException(file, at + ".npy shape " + E2kdIoException.quote(dims) + " is invalid");
                }
            }
            return new NpyHeader(
                    dtype, shape.stream().mapToLong(Long::longValue).toArray(), numel);
        }

        private static String field(String header, String key, String valueRegex, Path file, String at) {
            Matcher m = Pattern.compile("'" + key + "'\\s*:\\s*" + valueRegex).matcher(header);
            if (!header.strip().startsWith("{") || !m.find()) {
                throw new E2kdIoException(
                        file,
                        at + ".npy header lacks a valid " + E2kdIoException.quote(key) + ": "
                                + E2kdIoException.quote(header.strip()));
            }
            return m.group(1);
        }
    }
}
