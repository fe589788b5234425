package e2kd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles Java code quoted in the docs against the test classpath, for the tests that run the docs' examples. */
public final class JavaSnippets {
    private JavaSnippets() {}

    /** Compiles {@code source} into {@code classes}; fails the test with javac's messages when it does not compile. */
    public static void compile(Path source, Path classes, String what) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = javac.run(
                null,
                null,
                errors,
                "-d",
                classes.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                source.toString());
        assertEquals(0, code, what + " does not compile:\n" + errors);
    }
}
