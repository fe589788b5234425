package e2kd;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The Python helper's timeout, and the skip-or-fail rule for what CI installs. */
class TorchPythonTest {
    @TempDir
    Path dir;

    @Test
    void aHungInterpreterIsKilledWithinTheTimeout() throws Exception {
        requirePython();
        Path pidFile = dir.resolve("pid");
        // Writes its pid, then prints more than a pipe buffer holds and sleeps: a helper that reads the output
        // before waiting (or waits without reading) would block here.
        String script = """
                import os, sys, time
                with open(sys.argv[1], "w") as f:
                    f.write(str(os.getpid()))
                sys.stdout.write("x" * 200000); sys.stdout.flush()
                time.sleep(600)
                """;
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> TorchPython.run(Duration.ofSeconds(3), script, pidFile));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 20, "returned after " + seconds + " s");
        assertTrue(e.getMessage().contains("did not finish within PT3S"), e.getMessage());
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        assertFalse(handle.isPresent() && handle.get().isAlive(), "python3 pid " + pid + " still alive");
    }

    @Test
    void aScriptThatFinishesReturnsItsOutput() throws Exception {
        requirePython();
        String out = TorchPython.run(Duration.ofSeconds(60), "import sys; print('args', len(sys.argv) - 1)", dir);
        assertEquals("args 1", out.strip());
    }

    private static void requirePython() {
        Installed.require(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3");
    }

    @Test
    void somethingMissingSkipsLocallyAndFailsUnderCi() {
        assertThrows(TestAbortedException.class, () -> Installed.require(false, "thing", null));
        assertThrows(TestAbortedException.class, () -> Installed.require(false, "thing", "0"));
        AssertionFailedError ci =
                assertThrows(AssertionFailedError.class, () -> Installed.require(false, "thing", "1"));
        assertTrue(ci.getMessage().contains("thing is missing"), ci.getMessage());
        assertDoesNotThrow(() -> Installed.require(true, "thing", "1"));
    }
}
