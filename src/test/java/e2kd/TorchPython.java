package e2kd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with Debian's {@code /usr/bin/python3} (PyTorch, torchvision) as the reference side of an
 * interop test. A script starts with {@code try: import torch ... except ImportError: print("NO_TORCH")}; the same
 * marker comes back when there is no python3 at all, so the caller can skip with an assumption.
 */
public final class TorchPython {
    public static final String NO_TORCH = "NO_TORCH";

    private TorchPython() {}

    /** The script's stdout and stderr; {@link #NO_TORCH} where python3 cannot start. */
    public static String run(String script, Path... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", script);
        for (Path a : args) {
            pb.command().add(a.toString());
        }
        pb.environment().put("OMP_NUM_THREADS", "2");
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException noPython) {
            return NO_TORCH;
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
