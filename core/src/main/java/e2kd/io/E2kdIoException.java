package e2kd.io;

import java.nio.file.Path;

/**
 * A file could not be read or written by {@code e2kd.io}: malformed, truncated, unsupported or unsafe content, or an
 * I/O failure. The message is a single line that starts with the file and then states the problem.
 */
public class E2kdIoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public E2kdIoException(Path file, String problem) {
        super(oneLine(file + ": " + problem));
    }

    public E2kdIoException(Path file, String problem, Throwable cause) {
        super(oneLine(file + ": " + problem), cause);
    }

    /**
     * The cause in words for a one-line message: its message (e.g. "No space left on device", "Error reading PNG
     * image data"), or its simple class name when it has none; never a stack trace.
     */
    public static String reason(Throwable cause) {
        if (cause instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (cause instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : oneLine(message);
    }

    /** Quotes text taken from an untrusted file for use in a message: control characters escaped, at most 80 chars. */
    static String quote(String untrusted) {
        StringBuilder sb = new StringBuilder("'");
        int n = Math.min(untrusted.length(), 80);
        for (int i = 0; i < n; i++) {
            char c = untrusted.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(untrusted.length() > n ? "...'" : "'").toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ");
    }
}
