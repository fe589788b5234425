package e2kd.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import e2kd.TorchPython;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TorchScript module on the class path is what scripts/make_fused_adam_module.py writes today, byte for byte:
 * a module edited by hand, or a script changed without regenerating the module, fails here.
 */
class FusedAdamModuleTest {
    @TempDir
    Path dir;

    @Test
    void resourceIsWhatTheScriptWrites() throws Exception {
        Path written = dir.resolve("fused_adam.pt");
        String out = TorchPython.run(
                "import runpy, sys\n"
                        + "try:\n    import torch\nexcept ImportError:\n    print('" + TorchPython.NO_TORCH + "')\n"
                        + "    sys.exit()\n"
                        + "sys.argv = ['make_fused_adam_module.py', sys.argv[1]]\n"
                        + "runpy.run_path('scripts/make_fused_adam_module.py', run_name='__main__')\n",
                written);
        TorchPython.requireTorch(out);
        byte[] resource;
        try (InputStream in = FusedAdam.class.getResourceAsStream("/e2kd/train/optim/fused_adam.pt")) {
            resource = in.readAllBytes();
        }
        assertArrayEquals(Files.readAllBytes(written), resource, "the script's output: " + out);
    }
}
