package e2kd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with Debian's {@code /usr/bin/python3} (PyTorch, torchvision) as the reference side of an
 * interop test. A script starts with {@code try: import torch ... except ImportError: print("NO_TORCH")}; the same
 * marker comes back when there is no python3 at all, and {@link #requireTorch} then skips the test (fails it under
 * CI, see {@link Installed}). Output goes to a file, so a script that hangs cannot block the reader: it is killed
 * when its time is up and the call fails.
 */
public final class TorchPython {
    public static final String NO_TORCH = "NO_TORCH";
    public static final Duration TIMEOUT = Duration.ofSeconds(120);

    private TorchPython() {}

    /** The script's stdout and stderr; {@link #NO_TORCH} where python3 cannot start. */
    public static String run(String script, Path... args) throws IOException, InterruptedException {
        return run(TIMEOUT, script, args);
    }

    /**
     * As {@link #run(String, Path...)}, killing the interpreter after {@code timeout}.
     *
     * @throws IOException when the script did not finish within {@code timeout} (it has been killed)
     */
    public static String run(Duration timeout, String script, Path... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", script);
        for (Path a : args) {
            pb.command().add(a.toString());
        }
        pb.environment().put("OMP_NUM_THREADS", "2");
        Path log = Files.createTempFile("e2kd-python", ".log");
        try {
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException noPython) {
                return NO_TORCH;
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException("/usr/bin/python3 (pid " + p.pid() + ") did not finish within " + timeout
                        + " and was killed; its output: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            return Files.readString(log, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Skips the calling test (fails it under CI) when {@code output} says python3 could not import torch. */
    public static void requireTorch(String output) {
        Installed.require(!output.contains(NO_TORCH), "/usr/bin/python3 with torch (python3-torch)");
    }
}
