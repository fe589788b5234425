package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes unsigned-byte IDX files, gzip-compressed when the file name ends in {@code .gz}. The
 * JDK's gzip header carries no timestamp, so equal content gives byte-identical files.
 */
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes {@code images} as an IDX3 file (magic 2051). */
    public static void writeImages(Path file, IdxImages images) {
        write(file, IdxReader.IMAGES_MAGIC, new int[] {images.count(), images.rows(), images.cols()}, images.pixels());
    }

    /** Writes {@code labels} (unsigned bytes) as an IDX1 file (magic 2049). */
    public static void writeLabels(Path file, byte[] labels) {
        write(file, IdxReader.LABELS_MAGIC, new int[] {labels.length}, labels);
    }

    private static void write(Path file, int magic, int[] dims, byte[] payload) {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream maybeGz = file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw;
                DataOutputStream out = new DataOutputStream(maybeGz)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(payload);
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot write (" + E2kdIoException.reason(e) + ")", e);
        }
    }
}
