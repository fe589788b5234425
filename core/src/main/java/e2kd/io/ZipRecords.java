package e2kd.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Bounded, checked access to the entries of an untrusted zip file through {@link ZipFile} (which reads the central
 * directory, so the data descriptors and ZIP64 records that PyTorch writes are handled). Every declared size is checked
 * against what the file can hold before anything is allocated, and every entry read is checked against its CRC-32.
 */
final class ZipRecords implements Closeable {
    /** Deflate cannot expand data by more than about 1032:1; a larger declared ratio is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final Path file;
    private final long fileSize;
    private final ZipFile zip;
    private final List<String> names;

    private ZipRecords(Path file, long fileSize, ZipFile zip, List<String> names) {
        this.file = file;
        this.fileSize = fileSize;
        this.zip = zip;
        this.names = names;
    }

    static ZipRecords open(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new E2kdIoException(file, "cannot read: " + e, e);
        }
        ZipFile zip = null;
        try {
            zip = new ZipFile(file.toFile());
            List<String> names = new ArrayList<>();
            zip.stream().forEach(e -> names.add(e.getName()));
            return new ZipRecords(file, size, zip, Collections.unmodifiableList(names));
        } catch (IOException | RuntimeException e) {
            closeQuietly(zip);
            throw new E2kdIoException(file, "not a valid zip archive: " + e.getMessage(), e);
        }
    }

    long fileSize() {
        return fileSize;
    }

    /** Entry names in central-directory order. */
    List<String> names() {
        return names;
    }

    boolean contains(String name) {
        return entry(name) != null;
    }

    /** The uncompressed size that the central directory declares for {@code name}, already checked to be readable. */
    long declaredSize(String name) {
        ZipEntry e = required(name);
        long size = e.getSize();
        long stored = e.getCompressedSize();
        if (size < 0 || stored < 0 || stored > fileSize) {
            throw new E2kdIoException(
                    file,
                    "zip entry " + E2kdIoException.quote(name) + " declares " + stored
                            + " stored bytes, but the file has " + fileSize);
        }
        long possible = e.getMethod() == ZipEntry.STORED ? stored : Math.multiplyExact(stored, MAX_DEFLATE_RATIO);
        if (size > possible || size > MAX_ARRAY) {
            throw new E2kdIoException(
                    file,
                    "zip entry " + E2kdIoException.quote(name) + " declares " + size + " bytes, more than its " + stored
                            + " stored bytes can hold or than fit in memory");
        }
        return size;
    }

    /** The content of {@code name}, which must declare at most {@code maxBytes}. */
    byte[] read(String name, long maxBytes) {
        long size = declaredSize(name);
        if (size > maxBytes) {
            throw new E2kdIoException(
                    file,
                    "zip entry " + E2kdIoException.quote(name) + " has " + size + " bytes, more than the " + maxBytes
                            + " allowed");
        }
        byte[] bytes;
        ZipEntry e = required(name);
        try (InputStream in = zip.getInputStream(e)) {
            bytes = in.readNBytes((int) size);
        } catch (IOException | RuntimeException ex) {
            throw new E2kdIoException(
                    file, "cannot read zip entry " + E2kdIoException.quote(name) + ": " + ex.getMessage(), ex);
        }
        if (bytes.length != size) {
            throw new E2kdIoException(
                    file,
                    "zip entry " + E2kdIoException.quote(name) + " is truncated: expected " + size + " bytes, got "
                            + bytes.length);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
            throw new E2kdIoException(
                    file, "zip entry " + E2kdIoException.quote(name) + " is corrupt (CRC-32 mismatch)");
        }
        return bytes;
    }

    private ZipEntry required(String name) {
        ZipEntry e = entry(name);
        if (e == null) {
            throw new E2kdIoException(file, "missing zip entry " + E2kdIoException.quote(name));
        }
        return e;
    }

    private ZipEntry entry(String name) {
        try {
            return zip.getEntry(name);
        } catch (RuntimeException e) {
            throw new E2kdIoException(file, "cannot look up zip entry " + E2kdIoException.quote(name) + ": " + e, e);
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // read-only file: nothing was lost
            }
        }
    }
}
