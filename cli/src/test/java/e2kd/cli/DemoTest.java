package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code e2kd demo} in-process: with --quick every step runs and the table, the claim line, demo.json and the same
 * table in report.html appear; a run whose claim fails exits non-zero unless --no-check.
 */
class DemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void quickDemoWithTheCommittedTeacherPrintsTheTable(@TempDir Path out) throws IOException {
        String stdout = demo("--quick", "--out", out.toString());
        for (String row : List.of("teacher", "KD student", "e2KD student")) {
            assertTrue(
                    stdout.lines().anyMatch(l -> l.startsWith(row + " ") && l.contains("%")), row + " in\n" + stdout);
        }
        assertTrue(stdout.contains("top-1 OOD") && stdout.contains("expl. sim."), stdout);
        assertTrue(stdout.lines().anyMatch(l -> l.startsWith("claim ")), stdout);
        assertTrue(stdout.contains("comparison report: " + out.resolve("report.html")), stdout);
        assertReportHasThePrintedTable(stdout, Files.readString(out.resolve("report.html")));
        JsonNode json = JSON.readTree(out.resolve("demo.json").toFile());
        assertTrue(json.path("quick").asBoolean());
        assertEquals(3, json.path("rows").size());
        // in distribution = a test scene on its own class's background (y == place in metadata.csv)
        List<String[]> scenes = Files.readAllLines(out.resolve("scenes/metadata.csv")).stream()
                .skip(1)
                .map(l -> l.split(","))
                .toList();
        List<String[]> tests = scenes.stream().filter(f -> f[3].equals("2")).toList();
        List<String[]> train = scenes.stream().filter(f -> f[3].equals("0")).toList();
        List<String[]> val = scenes.stream().filter(f -> f[3].equals("1")).toList();
        assertEquals(30, train.size());
        assertTrue(train.stream().allMatch(f -> f[1].equals(f[2])), "every training scene on its class's background");
        assertEquals(20, val.size());
        assertTrue(
                val.stream().filter(f -> f[1].equals(f[2])).count() < 10,
                "validation scenes on backgrounds independent of the class, as the settings were chosen");
        assertEquals(30, tests.size());
        long in = tests.stream().filter(f -> f[1].equals(f[2])).count();
        assertTrue(in < 15, in + " of 30 test scenes on their own background: backgrounds are not independent");
        for (JsonNode row : json.path("rows")) {
            assertEquals(in, row.path("in_distribution_count").asInt(), row.toString());
            assertEquals(30 - in, row.path("out_of_distribution_count").asInt(), row.toString());
            double correct = row.path("top1_out_of_distribution").asDouble(-1) * (30 - in);
            assertEquals(Math.rint(correct), correct, 1e-9, "top-1 OOD is a count of OOD scenes: " + row);
        }
        for (int i = 1; i <= 2; i++) {
            JsonNode row = json.path("rows").get(i);
            double[] expected = RunFiles.recomputed(out.resolve(i == 1 ? "kd" : "e2kd"), out.resolve("teacher.ckpt"));
            assertEquals(expected[2], row.path("agreement").asDouble(), 1e-12, "agreement " + row);
            assertEquals(expected[3], row.path("explanation_similarity").asDouble(), 1e-5, "similarity " + row);
        }
        assertEquals("e2KD student", json.path("rows").get(2).path("name").asText());
        assertTrue(Files.isRegularFile(out.resolve("e2kd/best.ckpt"))
                && Files.isRegularFile(out.resolve("kd/summary.json")));
        assertTrue(Files.isRegularFile(out.resolve("scenes/metadata.csv")));
    }

    @Test
    void retrainTeacherTrainsItFromLabelsOnIndependentBackgrounds(@TempDir Path out) throws IOException {
        String printed =
                demo("--quick", "--retrain-teacher", "--test-per-class", "1", "--json", "--out", out.toString());
        assertEquals(JSON.readTree(out.resolve("demo.json").toFile()), JSON.readTree(printed), "--json: demo.json");
        String config = Files.readString(out.resolve("teacher/config.yaml"));
        assertTrue(config.contains("method: \"labels\"") && config.contains("data: \"waterbirds\""), config);
        assertTrue(Files.isRegularFile(out.resolve("teacher/best.ckpt")));
        List<String> metadata = Files.readAllLines(out.resolve("teacher-scenes/metadata.csv"));
        long own = metadata.stream()
                .skip(1)
                .map(l -> l.split(","))
                .filter(f -> f[1].equals(f[2]))
                .count();
        assertTrue(own < metadata.size() - 1, "teacher scenes must not all sit on their class's background");
        assertTrue(JSON.readTree(out.resolve("demo.json").toFile()).path("rows").size() == 3);
        JsonNode provenance = e2kd.io.CheckpointArchive.readMeta(out.resolve("teacher/best.ckpt"))
                .path("provenance");
        assertEquals(config, provenance.path("config_yaml").asText(), "config carried in the teacher checkpoint");
        assertEquals(JSON.readTree(out.resolve("teacher/summary.json").toFile()), provenance.path("summary"));
    }

    /**
     * A tiny full (not --quick) run whose claim cannot hold: λ = 0 makes the e²KD student the KD student, so e²KD
     * does not beat KD on anything; the demo exits {@link DemoCommand#CLAIM_FAILED}, and 0 with --no-check.
     */
    @Test
    void aRunWhoseClaimFailsExitsNonZeroUnlessNoCheck(@TempDir Path out) throws IOException {
        String[] tiny = {
            "--test-per-class",
            "1",
            "--set",
            "lambda=0",
            "--set",
            "shots_per_class=3",
            "--set",
            "val_per_class=2",
            "--set",
            "epochs=1",
            "--set",
            "batch=30",
            "--set",
            "warmup_epochs=0",
            "--set",
            "log_every=0",
            "--out"
        };
        Result failed = run(concat(tiny, out.resolve("checked").toString()));
        assertEquals(DemoCommand.CLAIM_FAILED, failed.code(), failed.stdout());
        assertTrue(failed.stdout().contains("claim does NOT hold"), failed.stdout());
        JsonNode json = JSON.readTree(out.resolve("checked/demo.json").toFile());
        assertFalse(json.path("claim_holds").asBoolean(true));
        ObjectNode kd = json.path("rows").get(1).deepCopy();
        ObjectNode e2kd = json.path("rows").get(2).deepCopy();
        kd.remove("name");
        e2kd.remove("name");
        assertEquals(kd, e2kd, "with lambda=0 both students are the same run");

        Result unchecked = run(concat(
                concat(new String[] {"--no-check"}, tiny),
                out.resolve("unchecked").toString()));
        assertEquals(0, unchecked.code(), unchecked.stdout());
        assertTrue(unchecked.stdout().contains("claim does NOT hold"), unchecked.stdout());
    }

    /** Every row the demo printed stands in report.html with the same cells. */
    private static void assertReportHasThePrintedTable(String stdout, String html) {
        assertTrue(html.contains("In and out of distribution"), "no demo table in report.html");
        for (String name : List.of("teacher", "KD student", "e2KD student")) {
            String line = stdout.lines()
                    .filter(l -> l.startsWith(name + " "))
                    .findFirst()
                    .orElseThrow();
            String[] cells = line.substring(name.length()).trim().split("\\s+");
            assertEquals(4, cells.length, line);
            StringBuilder row = new StringBuilder("<tr><td>" + name + "</td>");
            for (String c : cells) {
                row.append("<td>").append(c).append("</td>");
            }
            assertTrue(html.contains(row + "</tr>"), "report.html lacks " + row);
        }
    }

    private record Result(int code, String stdout) {}

    private static Result run(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(stdout, true));
        try {
            return new Result(Main.run(concat(new String[] {"demo"}, args)), stdout.toString());
        } finally {
            System.setOut(old);
        }
    }

    /** Runs the demo, returns stdout; fails unless the exit code is 0. */
    private static String demo(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), r.stdout());
        return r.stdout();
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
