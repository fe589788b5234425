package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails half-way (disk full) leaves the old file intact and no temporary file behind. */
class AtomicFilesTest {
    @Test
    void diskFullMidWriteKeepsTheOldFileAndLeavesNoTemporary(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("last.ckpt"), "old checkpoint");
        E2kdIoException e = assertThrows(
                E2kdIoException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write(new byte[1 << 17]);
                    throw new IOException("No space left on device");
                }));
        assertTrue(
                e.getMessage().startsWith(target + ": cannot write")
                        && e.getMessage().contains("No space left on device"),
                e.getMessage());
        assertEquals("old checkpoint", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void completeWriteReplacesTheFile(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("summary.json"), "old");
        AtomicFiles.write(target, out -> out.write("new".getBytes()));
        assertEquals("new", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
