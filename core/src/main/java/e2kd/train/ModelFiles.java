package e2kd.train;

import ai.djl.ndarray.NDManager;
import e2kd.io.CheckpointArchive;
import e2kd.io.E2kdIoException;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.nn.weights.Pretrained;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Models a run starts from: an e2kd checkpoint (a run directory stands for its {@code best.ckpt}) or a PyTorch
 * state dict ({@code torch.save} file, torchvision / B-cos-v2 keys) read into a given model id.
 */
public final class ModelFiles {
    /** A model and the input contract it was trained with (for a PyTorch file: its family's, at {@code size}). */
    public record Source(Model model, InputContract input) {}

    private ModelFiles() {}

    /**
     * @param file     run directory, e2kd checkpoint, or PyTorch file
     * @param pthModel model id if the file is a PyTorch file (anything but an e2kd checkpoint); may be blank
     * @param options  model options for a PyTorch file (the rest are read off the weights' shapes)
     * @param size     input size for a PyTorch file's contract
     * @param flag     the command-line flag that names the model id, for the error when it is missing
     */
    public static Source load(
            String file, String pthModel, Map<String, String> options, int size, String flag, NDManager manager) {
        Path path = Path.of(file);
        if (Files.isDirectory(path)) {
            path = path.resolve("best.ckpt");
        }
        if (!Files.isRegularFile(path)) {
            throw new E2kdIoException(path, "no such file");
        }
        if (CheckpointArchive.isCheckpoint(path)) {
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(path, manager);
            return new Source(loaded.model(), loaded.input());
        }
        if (pthModel.isBlank()) {
            throw new E2kdIoException(
                    path,
                    "not an e2kd checkpoint; if it is a PyTorch state dict, give " + flag + " ID (one of "
                            + String.join(", ", Models.ids()) + ")");
        }
        Model model = Pretrained.read(path, pthModel, options, manager);
        return new Source(model, Models.contract(pthModel, size));
    }
}
