package e2kd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The main Java sources of every module ({@code MODULE/src/main/java}), for tests that scan the code base. */
public final class MainSources {
    private MainSources() {}

    /** All .java files under {@code MODULE/src/main/java} of each module in the repository root (the tests' working directory). */
    public static List<Path> all() {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of(""))) {
            for (Path module : modules.sorted().toList()) {
                Path root = module.resolve("src/main/java");
                if (!Files.isDirectory(root)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.size() < 100) {
            throw new IllegalStateException("found only " + files.size() + " main sources from "
                    + Path.of("").toAbsolutePath() + "; the tests run in the repository root");
        }
        return files;
    }
}
