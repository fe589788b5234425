package e2kd.io;

/** A problem found inside {@code data.pkl}; {@link SafeUnpickler} adds the file and offset. */
final class UnpicklingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnpicklingException(String message) {
        super(message);
    }
}
