package e2kd.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.JavaSnippets;
import e2kd.nn.Devices;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/ARCHITECTURE.md's worked example of adding a criterion, exactly as written there: the class compiles against
 * the library, its factory registers, a {@code loss:} entry builds it with its parameter, and its value equals the
 * hand-computed mean squared logit difference.
 */
class ArchitectureDocTest {
    @TempDir
    Path tmp;

    @Test
    void theDocumentedCriterionCompilesRegistersAndComputes() throws Exception {
        String doc = Files.readString(Path.of("docs/ARCHITECTURE.md"));
        String section = doc.substring(doc.indexOf("### A criterion"), doc.indexOf("### A model"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
        assertTrue(block.find(), "no java block in docs/ARCHITECTURE.md's criterion section");
        String source = block.group(1).replaceAll("(?m)^   ", "");
        Path file = tmp.resolve("src/e2kd/distill/criteria/LogitMatchCriterion.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        JavaSnippets.compile(file, classes, "docs/ARCHITECTURE.md's criterion");

        try (URLClassLoader loader = new URLClassLoader(
                        new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
                NDManager m = Devices.newManager()) {
            Class<?> type = loader.loadClass("e2kd.distill.criteria.LogitMatchCriterion");
            CriterionFactory factory =
                    (CriterionFactory) type.getField("FACTORY").get(null);
            Criteria.register(factory);
            Criterion criterion = Criteria.create(new CriterionSpec("logit_match", 0.5, Map.of("scale", 2.0)), null);
            assertEquals(Needs.TEACHER, criterion.needs());
            NDArray student = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray teacher = m.create(new float[] {0, 2, 5, 1}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray value = criterion.compute(new CriterionInput(
                    new StudentOutput(student, null, Map.of()),
                    new TeacherOutput(teacher, null, null),
                    null,
                    new long[] {0, 1},
                    0));
            // ((1-0)² + 0² + (3-5)² + (4-1)²) / 4 / scale = (1 + 0 + 4 + 9) / 4 / 2
            assertEquals(14.0 / 4 / 2, value.getFloat(), 1e-6);
        }
    }
}
