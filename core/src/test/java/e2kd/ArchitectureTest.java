package e2kd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/ARCHITECTURE.md describes, checked on the sources: a class may use classes of its own layer and
 * of the layers below it, never above or beside it. Layers with the same rank (render and distill; train and report;
 * experiments and bench) are independent of each other.
 */
class ArchitectureTest {
    static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("io", 0),
            Map.entry("data", 1),
            Map.entry("nn", 2),
            Map.entry("explain", 3),
            Map.entry("render", 4),
            Map.entry("distill", 4),
            Map.entry("eval", 5),
            Map.entry("train", 6),
            Map.entry("report", 6),
            Map.entry("api", 7),
            Map.entry("experiments", 8),
            Map.entry("bench", 8),
            Map.entry("spark", 9),
            Map.entry("cli", 10));

    private static final Pattern USE = Pattern.compile("\\be2kd\\.([a-z]+)\\.");

    @Test
    void everyPackageBelongsToALayer() {
        for (Path file : sources()) {
            String layer = layerOf(file);
            assertTrue(RANK.containsKey(layer), file + " is in package e2kd." + layer + ", which has no layer");
        }
    }

    @Test
    void dependenciesPointDown() {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            String layer = layerOf(file);
            Matcher m = USE.matcher(code(file));
            while (m.find()) {
                String used = m.group(1);
                if (!used.equals(layer) && RANK.containsKey(used) && RANK.get(used) >= RANK.get(layer)) {
                    violations.add(file.getFileName() + " (" + layer + ") uses " + used);
                }
            }
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }

    /** Within nn: ops below the abstractions, then layers, B-cos layers, architectures, weight loading. */
    static final List<String> NN_ORDER = List.of("ops", "", "layers", "bcos", "models", "weights");

    private static final Pattern NN_USE = Pattern.compile("\\be2kd\\.nn\\.(?:([a-z]+)\\.)?[A-Z]");

    @Test
    void nnPartsPointDown() {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            if (!layerOf(file).equals("nn")) {
                continue;
            }
            String part = file.getParent().getFileName().toString().equals("nn")
                    ? ""
                    : file.getParent().getFileName().toString();
            Matcher m = NN_USE.matcher(code(file));
            while (m.find()) {
                String used = m.group(1) == null ? "" : m.group(1);
                if (NN_ORDER.indexOf(used) > NN_ORDER.indexOf(part)) {
                    violations.add(file.getFileName() + " (nn." + part + ") uses nn." + used);
                }
            }
        }
        assertEquals(List.of(), violations.stream().distinct().toList());
    }

    /** The layer-ranking check itself: a file in io that named a cli class would be reported. */
    @Test
    void aDependencyUpwardsIsSeen() {
        Matcher m = USE.matcher("import e2kd.cli.Main;");
        assertTrue(m.find());
        assertTrue(RANK.get(m.group(1)) > RANK.get("io"));
    }

    private static List<Path> sources() {
        return MainSources.all();
    }

    private static String layerOf(Path file) {
        Path dir = file.getParent();
        while (!dir.getParent().getFileName().toString().equals("e2kd")) {
            dir = dir.getParent();
        }
        return dir.getFileName().toString();
    }

    /** The file without comments, so a {@code {@link}} in prose is not a dependency. */
    private static String code(Path file) {
        try {
            return Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
