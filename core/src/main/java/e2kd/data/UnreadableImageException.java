package e2kd.data;

import java.nio.file.Path;

/**
 * An image file that cannot be decoded (missing, zero-byte, not an image, corrupt or truncated); the message names
 * it. With {@code skip_bad_images} the {@link DataLoader} drops such a sample instead of failing ({@link
 * SkippedImages}).
 */
public final class UnreadableImageException extends E2kdDataException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public UnreadableImageException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public UnreadableImageException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file that failed. */
    public Path file() {
        return file;
    }
}
