package e2kd.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Reads a {@code .npz} file (what {@code numpy.savez} and {@code savez_compressed} write: a zip of {@code <name>.npy}
 * entries) into a {@link StateDict} keyed by {@code <name>}, in the zip's order.
 */
public final class NpzReader {
    private NpzReader() {}

    public static StateDict read(Path file) {
        try (ZipRecords zip = ZipRecords.open(file)) {
            StateDict out = new StateDict();
            for (String name : zip.names()) {
                if (!name.endsWith(".npy")) {
                    throw new E2kdIoException(file, "npz entry " + E2kdIoException.quote(name) + " is not a .npy");
                }
                byte[] bytes = zip.read(name, Integer.MAX_VALUE - 8);
                out.put(name.substring(0, name.length() - 4), NpyReader.parse(ByteBuffer.wrap(bytes), file, name));
            }
            return out;
        }
    }
}
