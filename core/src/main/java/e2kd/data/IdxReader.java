package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed (detected from the
 * content, not the name). Only unsigned-byte data is supported: magic 2051 {@code (N,rows,cols)}
 * images and 2049 {@code (N)} labels.
 *
 * <p>Sizes are validated before the payload is read, and the payload is read with {@link
 * InputStream#readNBytes(int)}, which buffers only what the file actually contains: a header that
 * declares more data than exists is reported as a truncated file, never as an OutOfMemoryError.
 */
public final class IdxReader {
    /** Magic number of an IDX file of unsigned-byte 3-D data (images). */
    public static final int IMAGES_MAGIC = 0x0803;
    /** Magic number of an IDX file of unsigned-byte 1-D data (labels). */
    public static final int LABELS_MAGIC = 0x0801;

    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** Reads an IDX3 image file; errors name the file. */
    public static IdxImages readImages(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readImages(file.toString(), in);
        } catch (IOException e) {
            throw ioError(file.toString(), e);
        }
    }

    /** Reads an IDX1 label file; errors name the file. */
    public static byte[] readLabels(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(file.toString(), in);
        } catch (IOException e) {
            throw ioError(file.toString(), e);
        }
    }

    /**
     * Reads IDX3 images from {@code raw} (not closed).
     *
     * @param name file name used in error messages
     */
    public static IdxImages readImages(String name, InputStream raw) {
        try {
            DataInputStream in = new DataInputStream(decompressIfGzip(raw));
            checkMagic(name, in.readInt(), IMAGES_MAGIC, "IDX images");
            int count = nonNegative(name, "image count", in.readInt());
            int rows = positive(name, "row count", in.readInt());
            int cols = positive(name, "column count", in.readInt());
            long bytes = (long) count * rows * cols;
            String what = count + " images of " + rows + "x" + cols;
            return new IdxImages(count, rows, cols, payload(name, in, bytes, what));
        } catch (EOFException e) {
            throw new E2kdDataException(name + ": truncated IDX header");
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    /**
     * Reads IDX1 labels from {@code raw} (not closed); values are unsigned bytes.
     *
     * @param name file name used in error messages
     */
    public static byte[] readLabels(String name, InputStream raw) {
        try {
            DataInputStream in = new DataInputStream(decompressIfGzip(raw));
            checkMagic(name, in.readInt(), LABELS_MAGIC, "IDX labels");
            int count = nonNegative(name, "label count", in.readInt());
            return payload(name, in, count, count + " labels");
        } catch (EOFException e) {
            throw new E2kdDataException(name + ": truncated IDX header");
        } catch (IOException e) {
            throw ioError(name, e);
        }
    }

    private static InputStream decompressIfGzip(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in) : in;
    }

    private static void checkMagic(String name, int magic, int expected, String kind) {
        if (magic != expected) {
            throw new E2kdDataException(
                    name + ": wrong magic number " + magic + ", expected " + expected + " (" + kind + ")");
        }
    }

    private static int nonNegative(String name, String field, int value) {
        if (value < 0) {
            throw new E2kdDataException(name + ": negative " + field + " " + value);
        }
        return value;
    }

    private static int positive(String name, String field, int value) {
        if (value <= 0) {
            throw new E2kdDataException(name + ": " + field + " " + value + ", expected > 0");
        }
        return value;
    }

    private static byte[] payload(String name, InputStream in, long bytes, String what) throws IOException {
        if (bytes > MAX_PAYLOAD) {
            throw new E2kdDataException(name + ": header declares " + what + " (" + bytes + " bytes), more than the "
                    + MAX_PAYLOAD + " bytes supported");
        }
        byte[] data;
        try {
            data = in.readNBytes((int) bytes);
        } catch (EOFException e) {
            throw new E2kdDataException(
                    name + ": truncated gzip stream while reading " + what + " (" + bytes + " bytes)");
        }
        if (data.length < bytes) {
            throw new E2kdDataException(name + ": truncated, header declares " + what + " (" + bytes
                    + " bytes) but only " + data.length + " bytes follow");
        }
        if (in.read() != -1) {
            throw new E2kdDataException(name + ": unexpected data after the " + bytes + " bytes declared for " + what);
        }
        return data;
    }

    private static E2kdDataException ioError(String name, IOException e) {
        return new E2kdDataException(name + ": cannot read (" + E2kdIoException.reason(e) + ")", e);
    }
}
