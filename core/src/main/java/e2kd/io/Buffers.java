package e2kd.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/** Copying read-only buffers (which expose no array) to streams. */
final class Buffers {
    private static final int CHUNK = 1 << 16;

    private Buffers() {}

    /** Writes the remaining bytes of {@code src} to {@code out}, consuming them. */
    static void write(ByteBuffer src, OutputStream out) throws IOException {
        byte[] chunk = new byte[Math.min(CHUNK, src.remaining())];
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }
}
