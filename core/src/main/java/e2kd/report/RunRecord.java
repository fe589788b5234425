package e2kd.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run directory says about itself: config.yaml (text), metrics.jsonl (one object per evaluation) and
 * summary.json (null while the run is unfinished).
 */
public record RunRecord(String name, Path dir, String config, List<JsonNode> metrics, JsonNode summary) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws E2kdIoException naming the file (and line) that is missing or not valid JSON
     */
    public static RunRecord read(Path dir) {
        Path config = dir.resolve("config.yaml");
        if (!Files.isRegularFile(config)) {
            throw new E2kdIoException(dir, "not a run directory (no config.yaml)");
        }
        try {
            List<JsonNode> metrics = new ArrayList<>();
            Path metricsFile = dir.resolve("metrics.jsonl");
            if (Files.isRegularFile(metricsFile)) {
                List<String> lines = Files.readAllLines(metricsFile, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).isBlank()) {
                        metrics.add(parse(metricsFile, i + 1, lines.get(i)));
                    }
                }
            }
            Path summaryFile = dir.resolve("summary.json");
            JsonNode summary = Files.isRegularFile(summaryFile)
                    ? parse(summaryFile, 0, Files.readString(summaryFile, StandardCharsets.UTF_8))
                    : null;
            Path name = dir.toAbsolutePath().normalize().getFileName();
            return new RunRecord(
                    name == null ? dir.toString() : name.toString(),
                    dir,
                    Files.readString(config, StandardCharsets.UTF_8),
                    List.copyOf(metrics),
                    summary);
        } catch (IOException e) {
            throw new E2kdIoException(dir, "cannot read run: " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(Path file, int line, String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new E2kdIoException(
                    file, (line > 0 ? "line " + line + ": " : "") + "not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }
}
