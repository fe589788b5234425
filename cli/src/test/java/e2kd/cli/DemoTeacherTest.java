package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import e2kd.experiments.DemoScenes;
import e2kd.experiments.Provenance;
import e2kd.io.CheckpointArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed demo teacher carries its provenance (docs/CHECKPOINT.md): the config it was trained with is the
 * committed {@code demo-teacher} preset, and its summary describes this very checkpoint: {@code e2kd eval} of the file
 * on the teacher's test scenes, rendered again from the recorded config, gives the recorded test top-1, and eval's JSON
 * shows the provenance.
 */
class DemoTeacherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theCommittedTeacherCarriesTheConfigAndSummaryOfItsTraining(@TempDir Path tmp) throws IOException {
        Path teacher = tmp.resolve("teacher.ckpt");
        Files.write(teacher, DemoCommand.committedTeacherBytes());
        JsonNode provenance = Provenance.of(teacher);
        assertNotNull(provenance, "the committed teacher records no provenance");

        JsonNode config = YAML.readTree(provenance.path("config_yaml").asText());
        JsonNode preset;
        try (InputStream in = DemoTeacherTest.class.getResourceAsStream("/e2kd/presets/demo-teacher.yaml")) {
            preset = YAML.readTree(in);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = preset.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> key = it.next();
            JsonNode recorded = config.path(key.getKey());
            JsonNode wanted = key.getValue();
            boolean same = wanted.isNumber() && recorded.isNumber()
                    ? wanted.asDouble() == recorded.asDouble()
                    : wanted.asText().equals(recorded.asText());
            assertTrue(same, key.getKey() + ": preset " + wanted + ", teacher trained with " + recorded);
        }
        assertEquals("labels", config.path("method").asText(), "the teacher learns from labels");

        JsonNode summary = provenance.path("summary");
        assertEquals("labels", summary.path("method").asText(), summary.toString());
        assertEquals(config.path("epochs").asInt(), summary.path("epochs").asInt(), summary.toString());
        assertTrue(summary.path("best_val_top1").isNumber(), summary.toString());
        assertTrue(summary.path("provenance").path("libtorch_version").isTextual(), summary.toString());
        JsonNode meta = CheckpointArchive.readMeta(teacher).path("model");
        assertEquals(config.path("model").asText(), meta.path("id").asText());
        assertTrue(
                config.path("model_options")
                        .asText()
                        .contains("base=" + meta.path("options").path("base").asText()),
                config.path("model_options") + " vs the checkpoint's " + meta);

        int testCount = summary.path("test_count").asInt();
        assertEquals(0, testCount % 10, summary.toString());
        Path scenes = tmp.resolve("teacher-scenes");
        // a test scene depends only on the seed, its index and its item (CompositeScenes), so one training and one
        // validation item per class give the same test scenes as the preset's 550 + 50
        DemoScenes.teacher(scenes, 1, 1, testCount / 10, config.path("seed").asLong());
        JsonNode eval = eval(teacher, "--data", scenes.toString(), "--split", "test", "--threads", "1");
        assertEquals(testCount, eval.path("count").asInt(), eval.toString());
        // trained and evaluated with one thread; another CPU's kernels may flip a borderline scene or two
        assertEquals(summary.path("top1").asDouble(), eval.path("top1").asDouble(), 2.0 / testCount + 1e-12);
        assertEquals(provenance, eval.path("provenance"), "eval shows the provenance the checkpoint carries");
    }

    private static JsonNode eval(Path model, String... args) throws IOException {
        String[] all = new String[args.length + 2];
        all[0] = "eval";
        all[1] = model.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(stdout, true));
        try {
            assertEquals(0, Main.run(all), stdout.toString());
        } finally {
            System.setOut(old);
        }
        return JSON.readTree(stdout.toString());
    }
}
