package e2kd.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The zip container that {@code torch.save} has written since PyTorch 1.6. All records live in one top-level folder
 * (the archive name, taken from the first entry as PyTorch does): {@code data.pkl} (the pickled object),
 * {@code data/<key>} (raw little-endian storage bytes), {@code version} (or {@code .data/version}) and, since
 * PyTorch 2.1, {@code byteorder}. Other records are ignored.
 */
final class TorchArchive implements Closeable {
    static final String LEGACY = "legacy torch.save format (pre-1.6) is not supported; "
            + "re-save with torch.save(..., _use_new_zipfile_serialization=True)";
    /** Far more than the pickle of any real state dict needs (about 150 bytes per tensor). */
    private static final long MAX_PICKLE_BYTES = 64L << 20;

    private final Path file;
    private final ZipRecords zip;
    private final String prefix;

    private TorchArchive(Path file, ZipRecords zip, String prefix) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
    }

    static TorchArchive open(Path file) {
        refuseNonZip(file);
        ZipRecords zip = ZipRecords.open(file);
        try {
            if (zip.names().isEmpty()) {
                throw new E2kdIoException(file, "empty zip archive, expected a torch.save file");
            }
            String first = zip.names().get(0);
            int slash = first.indexOf('/');
            if (slash <= 0) {
                throw new E2kdIoException(
                        file,
                        "first zip entry " + E2kdIoException.quote(first)
                                + " is not inside an archive folder, expected <archive>/data.pkl");
            }
            TorchArchive archive = new TorchArchive(file, zip, first.substring(0, slash + 1));
            archive.checkVersion();
            archive.checkByteOrder();
            return archive;
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** The size of the file on disk, which bounds how much data it can legitimately describe. */
    long fileSize() {
        return zip.fileSize();
    }

    byte[] readPickle() {
        return zip.read(prefix + "data.pkl", MAX_PICKLE_BYTES);
    }

    /** The bytes of storage record {@code data/<key>}, which must hold at least {@code minBytes}. */
    byte[] readStorage(String key, long minBytes) {
        String name = prefix + "data/" + key;
        long size = zip.declaredSize(name);
        if (size < minBytes) {
            throw new E2kdIoException(
                    file,
                    "storage " + E2kdIoException.quote(key) + " declares " + minBytes + " bytes but its record "
                            + E2kdIoException.quote(name) + " holds " + size);
        }
        return zip.read(name, size);
    }

    private void checkVersion() {
        String name = zip.contains(prefix + ".data/version") ? prefix + ".data/version" : prefix + "version";
        String text = new String(zip.read(name, 64), StandardCharsets.UTF_8).trim();
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new E2kdIoException(
                    file,
                    "record " + E2kdIoException.quote(name) + " is " + E2kdIoException.quote(text)
                            + ", expected a positive integer format version");
        }
    }

    private void checkByteOrder() {
        String name = prefix + "byteorder";
        if (!zip.contains(name)) {
            return; // written before PyTorch 2.1, always little-endian
        }
        String order = new String(zip.read(name, 64), StandardCharsets.UTF_8).trim();
        if (!order.equals("little")) {
            throw new E2kdIoException(
                    file, "byteorder record is " + E2kdIoException.quote(order) + ", only 'little' is supported");
        }
    }

    /** Rejects the pre-1.6 formats by name: a bare pickle stream or a tar archive, instead of a zip. */
    private static void refuseNonZip(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(512);
        } catch (IOException e) {
            throw new E2kdIoException(file, "cannot read: " + e, e);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        boolean pickle = head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5;
        boolean tar = head.length >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        if (pickle || tar) {
            throw new E2kdIoException(file, LEGACY);
        }
        throw new E2kdIoException(file, "not a torch.save file (no zip signature at offset 0)");
    }

    @Override
    public void close() {
        zip.close();
    }
}
