package e2kd.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.data.Encoding;
import e2kd.io.E2kdIoException;
import e2kd.io.PthReader;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.ModelCheckpoint;
import e2kd.nn.ModelFamily;
import e2kd.nn.Models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the commands get models from: run directories, checkpoints, bare PyTorch weights. */
final class ModelSources {
    private ModelSources() {}

    /** A run directory (its best.ckpt) or a checkpoint file. */
    static ModelCheckpoint.Loaded checkpoint(Path runOrCheckpoint, NDManager manager) {
        Path path = Files.isDirectory(runOrCheckpoint) ? runOrCheckpoint.resolve("best.ckpt") : runOrCheckpoint;
        if (!Files.isRegularFile(path)) {
            throw new E2kdIoException(path, "no such checkpoint (give a run directory or a .ckpt file)");
        }
        return ModelCheckpoint.load(path, manager);
    }

    /**
     * A bare PyTorch state dict (.pth) put by key name onto {@code Models.create(modelId, …)}. The class count and
     * the options are read off the weights: classes from {@code fc.weight} ({@code fc.linear.weight} for B-cos),
     * base width, input channels and stem (7×7 kernel: imagenet, 3×3: small) from {@code conv1}. Interim mapping
     * until the state-dict mapping of the PyTorch-teachers issue replaces it.
     */
    static Model bareWeights(String modelId, Path file, NDManager manager) {
        boolean bcos = Models.family(modelId) == ModelFamily.BCOS;
        StateDict weights = PthReader.read(file);
        TensorData conv1 = require(weights, bcos ? "conv1.linear.weight" : "conv1.weight", 4, file);
        TensorData fc = require(weights, bcos ? "fc.linear.weight" : "fc.weight", bcos ? 4 : 2, file);
        long kernel = conv1.shape()[2];
        if (kernel != 7 && kernel != 3) {
            throw new E2kdIoException(file, "conv1 kernel " + kernel + "x" + kernel + " is neither the imagenet (7x7)"
                    + " nor the small (3x3) stem");
        }
        Map<String, String> options = Map.of("stem", kernel == 7 ? "imagenet" : "small",
                "base", Long.toString(conv1.shape()[0]), "in_channels", Long.toString(conv1.shape()[1]));
        try {
            Model model = Models.create(modelId, (int) fc.shape()[0], options, manager);
            Map<String, NDArray> values = new LinkedHashMap<>();
            try (NDManager scratch = manager.newSubManager()) {
                for (Map.Entry<String, TensorData> e : weights) {
                    TensorData t = e.getValue();
                    Shape shape = new Shape(t.shape());
                    values.put(e.getKey(), t.dtype().isFloatingPoint() ? scratch.create(t.toFloatArray(), shape)
                            : scratch.create(t.toLongArray(), shape));
                }
                model.loadStateDict(values);
            }
            return model;
        } catch (IllegalArgumentException e) {
            throw new E2kdIoException(file, e.getMessage());
        }
    }

    private static TensorData require(StateDict weights, String key, int rank, Path file) {
        TensorData t = weights.find(key).orElseThrow(() -> new E2kdIoException(file, "no '" + key
                + "' tensor; is this a state dict of the model given with --model?"));
        if (t.rank() != rank) {
            throw new E2kdIoException(file, "'" + key + "' has rank " + t.rank() + ", expected " + rank);
        }
        return t;
    }
}
