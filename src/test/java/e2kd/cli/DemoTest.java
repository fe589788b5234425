package e2kd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code e2kd demo --quick} in-process: every step runs and the table, the claim line and demo.json appear. */
class DemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quickDemoWithTheCommittedTeacherPrintsTheTable(@TempDir Path out) throws IOException {
        String stdout = demo("--quick", "--out", out.toString());
        for (String row : List.of("teacher", "KD student", "e2KD student")) {
            assertTrue(stdout.lines().anyMatch(l -> l.startsWith(row + " ") && l.contains("%")), row + " in\n" + stdout);
        }
        assertTrue(stdout.contains("top-1 OOD") && stdout.contains("expl. sim."), stdout);
        assertTrue(stdout.lines().anyMatch(l -> l.startsWith("claim ")), stdout);
        assertTrue(stdout.contains("comparison report: " + out.resolve("report.html")), stdout);
        assertTrue(Files.readString(out.resolve("report.html")).contains("e2kd"));
        JsonNode json = JSON.readTree(out.resolve("demo.json").toFile());
        assertTrue(json.path("quick").asBoolean());
        assertEquals(3, json.path("rows").size());
        for (JsonNode row : json.path("rows")) {
            double ood = row.path("top1_out_of_distribution").asDouble(-1);
            assertTrue(ood >= 0 && ood <= 1, row.toString());
        }
        JsonNode e2kd = json.path("rows").get(2);
        assertEquals("e2KD student", e2kd.path("name").asText());
        double similarity = e2kd.path("explanation_similarity").asDouble(-2);
        assertTrue(similarity >= -1 && similarity <= 1, e2kd.toString());
        assertEquals(30, e2kd.path("in_distribution_count").asInt() + e2kd.path("out_of_distribution_count").asInt());
        assertTrue(Files.isRegularFile(out.resolve("e2kd/best.ckpt")) && Files.isRegularFile(out.resolve("kd/summary.json")));
        assertTrue(Files.isRegularFile(out.resolve("scenes/metadata.csv")));
    }

    @Test
    void retrainTeacherTrainsItFromLabelsOnIndependentBackgrounds(@TempDir Path out) throws IOException {
        demo("--quick", "--retrain-teacher", "--test-per-class", "1", "--out", out.toString());
        String config = Files.readString(out.resolve("teacher/config.yaml"));
        assertTrue(config.contains("method: \"labels\"") && config.contains("data: \"waterbirds\""), config);
        assertTrue(Files.isRegularFile(out.resolve("teacher/best.ckpt")));
        List<String> metadata = Files.readAllLines(out.resolve("teacher-scenes/metadata.csv"));
        long own = metadata.stream().skip(1).map(l -> l.split(",")).filter(f -> f[1].equals(f[2])).count();
        assertTrue(own < metadata.size() - 1, "teacher scenes must not all sit on their class's background");
        assertTrue(JSON.readTree(out.resolve("demo.json").toFile()).path("rows").size() == 3);
    }

    /** Runs the demo, returns stdout; fails unless the exit code is 0. */
    private static String demo(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(stdout, true));
        int code;
        try {
            code = Main.run(prepend("demo", args));
        } finally {
            System.setOut(old);
        }
        String text = stdout.toString();
        assertEquals(0, code, text);
        return text;
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
