package e2kd.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reproduce --suite baselines --quick --tiny}: every method's row for both families, each baseline's weight
 * selected on the {0.1, 1, 10} × literature grid, and the table's cells equal to the runs' own summaries.
 */
class BaselinesSuiteTest {
    private static final List<String> METHODS =
            List.of("from labels", "KD", "e2KD", "AT + KD", "CAT + KD", "ReviewKD + KD", "CRD + KD");

    @TempDir
    Path out;

    @Test
    void quickSuiteTablesEveryMethodWithItsSelectedWeight() throws IOException {
        assertEquals(0, Main.run("reproduce", "--suite", "baselines", "--quick", "--tiny", "--out", out.toString()));
        List<String> lines = Files.readAllLines(out.resolve("baselines.md"));
        List<String> rows = lines.stream()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| |"))
                .map(l -> l.split("\\|")[1].trim())
                .toList();
        List<String> expected = new java.util.ArrayList<>();
        METHODS.forEach(m -> expected.add("ResNet-18 + GradCAM: " + m));
        METHODS.forEach(m -> expected.add("B-cos ResNet-18 + W(x) (extension): " + m));
        assertEquals(expected, rows);
        for (String grid : List.of(
                "grid weight=100,1000,10000",
                "grid weight=0.05,0.5,5",
                "grid weight=0.1,1,10",
                "grid weight=0.08,0.8,8")) {
            assertTrue(lines.stream().filter(l -> l.contains(grid)).count() == 2, grid + " selected for both families");
        }
        // seed 1 of the selected weight is the selection's own run (the suite reuses a run of the same config)
        String selected = lines.stream()
                .filter(l -> l.startsWith("* ResNet-18 + GradCAM, k=3, at: weight="))
                .findFirst()
                .orElseThrow()
                .split(" ")[6];
        double top1 = new ObjectMapper()
                .readTree(out.resolve("runs/select/ResNet-18-GradCAM-k-3-at")
                        .resolve(selected)
                        .resolve("summary.json")
                        .toFile())
                .path("top1")
                .asDouble();
        String atRow = lines.stream()
                .filter(l -> l.startsWith("| ResNet-18 + GradCAM: AT + KD"))
                .findFirst()
                .orElseThrow();
        assertEquals(String.format(Locale.ROOT, "%.1f ± 0.0", 100 * top1), atRow.split("\\|")[2].trim());
    }
}
