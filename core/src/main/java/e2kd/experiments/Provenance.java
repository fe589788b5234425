package e2kd.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.io.CheckpointArchive;
import e2kd.io.E2kdIoException;
import e2kd.train.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a checkpoint came from, carried inside it: {@code checkpoint.json}'s {@code provenance} field holds the run's
 * {@code config.yaml} (as text) and {@code summary.json} (docs/CHECKPOINT.md). The demo's teacher carries it.
 */
public final class Provenance {
    static final String FIELD = "provenance";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Provenance() {}

    /** Writes the finished run {@code runDir}'s config and summary into {@code checkpoint}. */
    public static void attach(Path checkpoint, Path runDir) {
        RunDirectory run = new RunDirectory(runDir);
        ObjectNode p = JSON.createObjectNode();
        try {
            if (!Files.isRegularFile(run.summary())) {
                throw new E2kdIoException(
                        run.summary(), "run has not finished (no summary.json); no provenance to record");
            }
            p.put("config_yaml", Files.readString(run.config(), StandardCharsets.UTF_8));
            p.set("summary", JSON.readTree(run.summary().toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(runDir + ": cannot read the run's config or summary: " + e.getMessage(), e);
        }
        try (ai.djl.ndarray.NDManager scratch = e2kd.nn.Devices.newManager()) {
            CheckpointArchive.putMeta(checkpoint, FIELD, p, scratch);
        }
    }

    /** The provenance recorded in {@code checkpoint}, or null. */
    public static JsonNode of(Path checkpoint) {
        JsonNode p = CheckpointArchive.readMeta(checkpoint).get(FIELD);
        return p == null || p.isNull() ? null : p;
    }

    /** One line for logs: how the model was trained and how it scored, or that nothing is recorded. */
    public static String describe(JsonNode p) {
        if (p == null) {
            return "no provenance recorded";
        }
        JsonNode s = p.path("summary");
        return String.format(
                Locale.ROOT,
                "trained by method %s, %d epochs, test top-1 %.3f on %d test images",
                s.path("method").asText("?"),
                s.path("epochs").asInt(),
                s.path("top1").asDouble(Double.NaN),
                s.path("test_count").asInt());
    }
}
