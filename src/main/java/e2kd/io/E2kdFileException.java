package e2kd.io;

import java.nio.file.Path;

/** A file that cannot be used: the message is one line naming the file and the problem. */
public class E2kdFileException extends RuntimeException {
    public E2kdFileException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
