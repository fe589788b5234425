package e2kd.cli;

import ai.djl.ndarray.NDManager;
import e2kd.io.PthWriter;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.nn.weights.StateDicts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code e2kd export}: a model's weights as a PyTorch state dict for the matching torchvision / B-cos-v2 module. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Write a run's best model (or a checkpoint) as a PyTorch state dict (torch.load + "
                + "load_state_dict(strict=True) in the matching torchvision / B-cos-v2 module).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR|CHECKPOINT",
            description = "Run directory (its best.ckpt) or checkpoint.")
    Path source;

    @Option(names = "--out", required = true, paramLabel = "FILE.pth", description = "State dict to write.")
    Path out;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @Override
    public Integer call() {
        Path checkpoint = Files.isDirectory(source) ? source.resolve("best.ckpt") : source;
        try (NDManager manager = Devices.newManager()) {
            Model model = ModelCheckpoint.load(checkpoint, manager).model();
            PthWriter.write(StateDicts.of(model), out);
            int tensors = model.stateDict().size();
            output.print(
                    JsonOption.object()
                            .put("model", model.spec().id())
                            .put("classes", model.spec().numClasses())
                            .put("checkpoint", checkpoint.toString())
                            .put("tensors", tensors)
                            .put("out", out.toString()),
                    model.spec().id() + ", " + tensors + " tensors -> " + out);
        }
        return 0;
    }
}
