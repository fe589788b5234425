package e2kd.data;

/**
 * A data-layer failure with a one-line message naming the file or value at fault and what was
 * expected, e.g. {@code "train-images-idx3-ubyte.gz: wrong magic number 1234, expected 2051 (IDX
 * images)"}.
 */
public class E2kdDataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public E2kdDataException(String message) {
        super(message);
    }

    public E2kdDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
