package e2kd.cli;

import ai.djl.ndarray.NDManager;
import e2kd.nn.Devices;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.nn.weights.Pretrained;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code e2kd convert}: a PyTorch state dict (torchvision / B-cos-v2 keys) to an e2kd checkpoint. */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = "Convert a PyTorch state dict (torchvision or B-cos-v2 keys) into an e2kd checkpoint.")
final class ConvertCommand implements Callable<Integer> {
    @Option(names = "--weights", paramLabel = "FILE", description = "torch.save file holding a state dict.")
    Path weights;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILE.pth",
            description = "The same as --weights FILE " + "(the older spelling).")
    Path file;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "ID",
            description = "Model id (resnet18/34/50, " + "densenet121/169 and their bcos_ variants).")
    String model;

    @Option(
            names = "--options",
            split = ",",
            paramLabel = "K=V",
            description =
                    "Model options (stem, base, growth, " + "in_channels); by default read off the weights' shapes.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(
            names = "--size",
            defaultValue = "224",
            description = "Input size in pixels recorded in the checkpoint " + "(default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--out", required = true, paramLabel = "FILE.ckpt", description = "Checkpoint to write.")
    Path out;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @Override
    public Integer call() {
        if ((weights == null) == (file == null)) {
            throw new IllegalArgumentException("give the PyTorch file once: --weights FILE (or as the argument)");
        }
        try (NDManager manager = Devices.newManager()) {
            Model m = Pretrained.read(weights != null ? weights : file, model, options, manager);
            InputContract contract = Models.contract(model, size);
            ModelCheckpoint.save(out, m, contract, null, Map.of());
            com.fasterxml.jackson.databind.node.ObjectNode result = JsonOption.object()
                    .put("model", model)
                    .put("classes", m.spec().numClasses())
                    .put("encoding", String.valueOf(contract.encoding()))
                    .put("size", contract.size())
                    .put("out", out.toString());
            m.spec().options().asMap().forEach(result.putObject("options")::put);
            output.print(
                    result,
                    model + " " + m.spec().options().asMap() + ", " + m.spec().numClasses() + " classes, "
                            + contract.encoding() + " input -> " + out);
        }
        return 0;
    }
}
