package e2kd.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.cli.Main;
import e2kd.train.ConfigLoader;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reproduce --suite demo}: the demo's settings are chosen on validation scenes whose background is independent
 * of the class, by validation top-1 alone (recomputed here from the selection runs' summaries), λ at KD's τ and epochs;
 * and the {@code demo-student} preset holds what the committed selection (docs/demo-selection.md) chose.
 */
class DemoSuiteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SELECTION = Path.of("docs/demo-selection.md");

    @Test
    void quickSuiteChoosesOnBalancedValidationScenes(@TempDir Path out) throws IOException {
        assertEquals(0, Main.run("reproduce", "--suite", "demo", "--quick", "--out", out.toString()));
        List<String> lines = Files.readAllLines(out.resolve("demo.md"));
        List<String> rows = lines.stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| |"))
                .map(l -> l.split("\\|")[1].trim())
                .toList();
        assertEquals(List.of("teacher", "KD", "e2KD"), rows);

        Map<String, String> kd = chosen(lines, "demo, kd");
        assertEquals(best(out.resolve("runs/select/demo-kd"), List.of("tau=1,epochs=1", "tau=1,epochs=2")), kd);
        Map<String, String> e2kd = chosen(lines, "demo, e2kd");
        String shared = "tau=" + kd.get("tau") + ",epochs=" + kd.get("epochs");
        assertEquals(
                best(out.resolve("runs/select/demo-e2kd"), List.of(shared + ",lambda=1", shared + ",lambda=5")),
                e2kd,
                "lambda chosen at KD's tau and epochs");

        List<String[]> scenes = Files.readAllLines(out.resolve("scenes/demo-seed1-3-2-3/metadata.csv")).stream()
                .skip(1)
                .map(l -> l.split(","))
                .toList();
        List<String[]> val = scenes.stream().filter(f -> f[3].equals("1")).toList();
        assertEquals(20, val.size());
        assertTrue(
                val.stream().filter(f -> f[1].equals(f[2])).count() < 10,
                "validation scenes on backgrounds independent of the class");
        assertTrue(scenes.stream().filter(f -> f[3].equals("0")).allMatch(f -> f[1].equals(f[2])));

        Path teacher;
        try (var files = Files.list(out.resolve("teachers"))) {
            teacher = files.filter(p -> p.getFileName().toString().startsWith("demo-"))
                    .findFirst()
                    .orElseThrow();
        }
        try (var in = e2kd.cli.Main.class.getResourceAsStream("/e2kd/demo/teacher.ckpt")) {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(teacher), "the committed teacher is used");
        }
        String config = Files.readString(out.resolve("runs/select/demo-e2kd/" + shared + ",lambda=5/config.yaml"));
        assertTrue(config.contains(teacher.toString()), config);
    }

    @Test
    void theDemoPresetHoldsTheCommittedSelection() throws IOException {
        List<String> lines = Files.readAllLines(SELECTION);
        Map<String, String> kd = chosen(lines, "demo, kd");
        Map<String, String> e2kd = chosen(lines, "demo, e2kd");
        assertEquals(kd.get("tau"), e2kd.get("tau"), "e2KD at KD's tau");
        assertEquals(kd.get("epochs"), e2kd.get("epochs"), "e2KD at KD's epochs");
        TrainConfig preset = ConfigLoader.defaults().preset("demo-student").resolve();
        assertEquals(Double.parseDouble(e2kd.get("tau")), preset.tau(), SELECTION + " vs demo-student.yaml");
        assertEquals(Integer.parseInt(e2kd.get("epochs")), preset.epochs(), SELECTION + " vs demo-student.yaml");
        assertEquals(Double.parseDouble(e2kd.get("lambda")), preset.lambda(), SELECTION + " vs demo-student.yaml");
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith("`e2kd reproduce --suite demo ")),
                SELECTION + " is the output of reproduce --suite demo");
    }

    /** The settings a "* NAME: k=v k=v (validation top-1 …" line of the suite's output names. */
    private static Map<String, String> chosen(List<String> lines, String name) {
        String line = lines.stream()
                .filter(l -> l.startsWith("* " + name + ": "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no selection line for " + name + " in " + lines));
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : line.substring(("* " + name + ": ").length(), line.indexOf(" ("))
                .split(" ")) {
            values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        assertTrue(line.contains("validation top-1"), line);
        return values;
    }

    /** The combination (run folder name) with the highest best_val_top1, the first on ties, as settings. */
    private static Map<String, String> best(Path select, List<String> combinations) throws IOException {
        String best = null;
        double top = -1;
        for (String c : combinations) {
            double v = JSON.readTree(select.resolve(c).resolve("summary.json").toFile())
                    .path("best_val_top1")
                    .asDouble(-1);
            assertTrue(v >= 0, c + " has no validation top-1");
            if (v > top) {
                top = v;
                best = c;
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : new ArrayList<>(List.of(best.split(",")))) {
            values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return values;
    }
}
