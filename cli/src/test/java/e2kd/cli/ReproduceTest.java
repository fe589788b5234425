package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code e2kd reproduce --quick --tiny} for every suite (one shared output folder, so the Fashion-MNIST B-cos teacher
 * is trained once and reused by {@code frozen} and {@code vit}), checking each table's rows, columns and (fewshot) that its cells are the runs' summaries; and
 * {@code e2kd sweep} selecting on validation top-1.
 */
class ReproduceTest {
    private static final Pattern CELL = Pattern.compile("^(-?[0-9]+\\.[0-9]+) ± ([0-9]+\\.[0-9]+)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everySuiteWritesItsTable(@TempDir Path out) throws IOException {
        table(
                out,
                "fewshot",
                List.of("k=1 top-1", "k=1 agreement", "k=3 top-1", "k=3 agreement"),
                List.of(
                        "ResNet-18 + GradCAM: from labels",
                        "ResNet-18 + GradCAM: KD",
                        "ResNet-18 + GradCAM: e2KD",
                        "B-cos ResNet-18 + W(x): from labels",
                        "B-cos ResNet-18 + W(x): KD",
                        "B-cos ResNet-18 + W(x): e2KD"));
        assertFewShotCellsAreTheRunSummaries(out);
        assertRerunReusesFinishedRuns(out, "fewshot");
        table(
                out,
                "frozen",
                List.of("test top-1", "agreement"),
                List.of("KD (live teacher)", "e2KD (live teacher)", "KD ❄ (precomputed)", "e2KD ❄ (precomputed)"));
        assertTrue(
                Files.readString(out.resolve("frozen.md")).contains("fmnist-bcos: cached"),
                "frozen reuses the fewshot B-cos teacher");
        table(
                out,
                "vit",
                List.of("test top-1", "agreement", "expl. sim.", "shift cons."),
                List.of("teacher (B-cos ResNet-18)", "B-cos ViT from labels", "B-cos ViT KD", "B-cos ViT e2KD"));
        assertTrue(
                Files.readString(out.resolve("vit.md")).contains("fmnist-bcos: cached"),
                "vit reuses the fewshot B-cos teacher");
        table(
                out,
                "shortcut",
                List.of("top-1 ID", "top-1 OOD", "agreement", "expl. sim."),
                List.of("teacher", "KD", "e2KD", "KD + mixup", "e2KD + mixup"));
        table(out, "localization", List.of("EPG", "test top-1"), List.of("teacher", "KD student", "e2KD student"));
    }

    @Test
    void familyAndSizeAreFewshotOptionsRefusedElsewhere(@TempDir Path out) {
        String elsewhere = Cli.oneLineError(
                "reproduce", "--suite", "shortcut", "--size", "56", "--quick", "--tiny", "--out", out.toString());
        assertTrue(elsewhere.contains("--family and --size apply to --suite fewshot only, not shortcut"), elsewhere);
        String unknown = Cli.oneLineError(
                "reproduce", "--suite", "fewshot", "--family", "std,vit", "--quick", "--tiny", "--out", out.toString());
        assertTrue(unknown.contains("family 'vit'") && unknown.contains("expected one of std, bcos"), unknown);
    }

    @Test
    void sweepSelectsOnValidationTop1(@TempDir Path out) throws IOException {
        Path teacher = out.resolve("teacher");
        assertEquals(
                0,
                Main.run(Cli.args(new String[] {"train", "--out", teacher.toString(), "--set", "epochs=1"}, Cli.TINY)));
        assertEquals(
                0,
                Main.run(Cli.args(
                        new String[] {
                            "sweep",
                            "--grid",
                            "lambda=0.2,5",
                            "tau=1",
                            "--out",
                            out.resolve("sweep").toString(),
                            "--set",
                            "method=e2kd",
                            "--set",
                            "teacher=" + teacher,
                            "--set",
                            "epochs=1"
                        },
                        Cli.TINY)));
        JsonNode sweep = JSON.readTree(out.resolve("sweep/sweep.json").toFile());
        assertEquals("val_top1", sweep.path("selected_by").asText());
        assertEquals(2, sweep.path("runs").size());
        double best = -1;
        String bestValues = null;
        for (JsonNode run : sweep.path("runs")) {
            JsonNode summary = JSON.readTree(
                    Path.of(run.path("run").asText()).resolve("summary.json").toFile());
            assertEquals(
                    summary.path("best_val_top1").asDouble(),
                    run.path("val_top1").asDouble());
            if (summary.path("best_val_top1").asDouble() > best) {
                best = summary.path("best_val_top1").asDouble();
                bestValues = run.path("values").asText();
            }
        }
        assertEquals(bestValues, sweep.path("winner").path("values").asText());
        assertTrue(Files.readString(out.resolve("sweep/lambda=5,tau=1/config.yaml"))
                .contains("lambda: 5.0"));
    }

    /**
     * A second run of a finished suite into the same folder trains nothing (every summary.json stays as it was) and
     * writes the same table: an interrupted suite resumes rather than starting over.
     */
    private static void assertRerunReusesFinishedRuns(Path out, String suite) throws IOException {
        List<Path> summaries;
        try (var files = Files.walk(out.resolve("runs"))) {
            summaries = files.filter(p -> p.getFileName().toString().equals("summary.json"))
                    .toList();
        }
        List<Long> before = new java.util.ArrayList<>();
        for (Path p : summaries) {
            before.add(Files.getLastModifiedTime(p).toMillis());
        }
        String table = tableLines(out, suite);
        assertEquals(0, Main.run("reproduce", "--suite", suite, "--quick", "--tiny", "--out", out.toString()), suite);
        for (int i = 0; i < summaries.size(); i++) {
            assertEquals(
                    before.get(i),
                    Files.getLastModifiedTime(summaries.get(i)).toMillis(),
                    summaries.get(i) + " was retrained");
        }
        assertEquals(table, tableLines(out, suite));
    }

    /** Each fewshot cell is its run's summary value in percent (one seed with --quick): top-1 and agreement. */
    private static void assertFewShotCellsAreTheRunSummaries(Path out) throws IOException {
        Map<String, String> family = Map.of("ResNet-18 + GradCAM", "std", "B-cos ResNet-18 + W(x)", "bcos");
        Map<String, String> method = Map.of("from labels", "labels", "KD", "kd", "e2KD", "e2kd");
        List<String> lines = Files.readAllLines(out.resolve("fewshot.md"));
        List<String> table = lines.stream().filter(l -> l.startsWith("|")).toList();
        List<String> header = cells(table.get(0));
        int checked = 0;
        for (String line : table.subList(2, table.size())) {
            List<String> cells = cells(line);
            String[] name = cells.get(0).split(": ");
            for (int col = 1; col < header.size(); col++) {
                String[] heading = header.get(col).split(" "); // "k=1", "top-1" | "agreement"
                Path run = fewShotRun(
                        out, lines, name[0], family.get(name[0]), heading[0].substring(2), method.get(name[1]));
                JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
                JsonNode value = summary.path(heading[1].equals("top-1") ? "top1" : "agreement");
                String expected = value.isNumber()
                        ? String.format(java.util.Locale.ROOT, "%.1f ± 0.0", 100 * value.asDouble())
                        : "-";
                assertEquals(expected, cells.get(col), header.get(col) + " of " + cells.get(0) + " vs " + run);
                checked++;
            }
        }
        assertEquals(6 * 4, checked);
    }

    /**
     * The seed-1 run of a fewshot cell: its own folder, or, where the suite reused the selection run of the same
     * config, the winner named in fewshot.md's "Selected" line ({@code runs/select/NAME/VALUES}).
     */
    private static Path fewShotRun(Path out, List<String> lines, String title, String family, String k, String method) {
        Path own = out.resolve("runs/fewshot/" + family + "-k" + k + "-" + method + "-seed1");
        if (Files.isRegularFile(own.resolve("summary.json"))) {
            return own;
        }
        String name = title + ", k=" + k + ", " + method;
        String selected = lines.stream()
                .filter(l -> l.startsWith("* " + name + ": "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no run folder " + own + " and no selection line for " + name));
        String values = selected.substring(("* " + name + ": ").length(), selected.indexOf(" ("));
        return out.resolve("runs/select")
                .resolve(name.replaceAll("[^A-Za-z0-9.-]+", "-"))
                .resolve(values.replace(' ', ','));
    }

    private static String tableLines(Path out, String suite) throws IOException {
        return String.join(
                "\n",
                Files.readAllLines(out.resolve(suite + ".md")).stream()
                        .filter(l -> l.startsWith("|") || l.startsWith("* "))
                        .toList());
    }

    /** Runs the suite and checks DIR/SUITE.md: header columns, row names in order, every cell a finite mean ± std. */
    private static void table(Path out, String suite, List<String> columns, List<String> rows) throws IOException {
        assertEquals(0, Main.run("reproduce", "--suite", suite, "--quick", "--tiny", "--out", out.toString()), suite);
        List<String> lines = Files.readAllLines(out.resolve(suite + ".md"));
        List<String> table = lines.stream().filter(l -> l.startsWith("|")).toList();
        assertEquals(columns, cells(table.get(0)).subList(1, columns.size() + 1), suite);
        assertEquals(rows, table.stream().skip(2).map(l -> cells(l).get(0)).toList(), suite);
        for (String line : table.subList(2, table.size())) {
            for (String cell : cells(line).subList(1, columns.size() + 1)) {
                if (cell.equals("-") && (line.startsWith("| teacher") || line.contains("from labels"))) {
                    continue; // no agreement for the teacher itself or the baseline without a teacher
                }
                Matcher m = CELL.matcher(cell);
                assertTrue(m.matches(), suite + ": '" + cell + "' in " + line);
                assertEquals(0, Double.parseDouble(m.group(2)), 0, "--quick runs one seed, so no spread: " + line);
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("wall time") && l.contains("teachers:")), suite);
        assertTrue(lines.contains("Selected on the validation split (seed 1):"), suite);
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.startsWith("* ")
                                && l.contains(", kd")
                                && l.contains(": tau=")
                                && l.contains("validation top-1")),
                suite + ": the selected KD temperature");
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith("* ") && l.contains(", e2kd") && l.contains("lambda=")),
                suite + ": the selected e2KD weight");
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        return Arrays.stream(inner.substring(1, inner.length() - 1).split("\\|"))
                .map(String::strip)
                .toList();
    }
}
