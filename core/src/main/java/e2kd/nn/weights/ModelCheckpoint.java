package e2kd.nn.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.io.CheckpointArchive;
import e2kd.io.E2kdIoException;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model in one file from which any command can rebuild it alone: id, options, class count, input contract,
 * weights (state-dict keys), and optionally trainer state. Layout: docs/CHECKPOINT.md.
 */
public final class ModelCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    /** A loaded checkpoint: the rebuilt model, its input contract, the trainer metadata and tensor state. */
    public record Loaded(Model model, InputContract input, JsonNode trainer, Map<String, NDArray> trainerTensors) {}

    private ModelCheckpoint() {}

    /**
     * @param trainer        JSON metadata of the trainer (step, epoch, RNG state…) or null
     * @param trainerTensors optimizer state by name, or an empty map
     */
    public static void save(
            Path path, Model model, InputContract input, JsonNode trainer, Map<String, NDArray> trainerTensors) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", CheckpointArchive.FORMAT);
        meta.put("version", VERSION);
        ObjectNode m = meta.putObject("model");
        m.put("id", model.spec().id());
        m.put("num_classes", model.spec().numClasses());
        ObjectNode options = m.putObject("options");
        model.spec().options().asMap().forEach(options::put);
        ObjectNode in = meta.putObject("input");
        in.put("size", input.size());
        in.put("channels", input.channels());
        in.put("encoding", input.encoding());
        in.set("mean", JSON.valueToTree(input.mean()));
        in.set("std", JSON.valueToTree(input.std()));
        if (trainer != null) {
            meta.set("trainer", trainer);
        }
        Map<String, Map<String, NDArray>> groups = new LinkedHashMap<>();
        groups.put("model", model.stateDict());
        if (!trainerTensors.isEmpty()) {
            groups.put("trainer", trainerTensors);
        }
        CheckpointArchive.write(path, meta, groups);
    }

    /** Rebuilds the model (eval mode) with parameters owned by {@code manager}. */
    /** A run directory's best.ckpt, or a checkpoint file. */
    public static Loaded loadFrom(Path runOrCheckpoint, NDManager manager) {
        Path path = java.nio.file.Files.isDirectory(runOrCheckpoint)
                ? runOrCheckpoint.resolve("best.ckpt")
                : runOrCheckpoint;
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw new e2kd.io.E2kdIoException(path, "no such checkpoint (give a run directory or a .ckpt file)");
        }
        return load(path, manager);
    }

    public static Loaded load(Path path, NDManager manager) {
        CheckpointArchive.Contents c = CheckpointArchive.read(path, manager);
        JsonNode meta = c.meta();
        JsonNode m = meta.path("model");
        Map<String, String> options = new LinkedHashMap<>();
        m.path("options")
                .fields()
                .forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        Model model;
        InputContract input;
        try {
            model = Models.create(m.path("id").asText(), m.path("num_classes").asInt(), options, manager);
            JsonNode in = meta.path("input");
            input = new InputContract(
                    in.path("size").asInt(),
                    in.path("encoding").asText(),
                    JSON.convertValue(in.path("mean"), double[].class),
                    JSON.convertValue(in.path("std"), double[].class));
            Map<String, NDArray> weights = c.groups().get("model");
            if (weights == null) {
                throw new IllegalArgumentException("no model weights");
            }
            model.loadStateDict(weights);
        } catch (IllegalArgumentException e) {
            throw new E2kdIoException(path, e.getMessage());
        }
        return new Loaded(model, input, meta.get("trainer"), c.groups().getOrDefault("trainer", Map.of()));
    }
}
