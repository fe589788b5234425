package e2kd.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code e2kd bench}: a tiny run of a B-cos and a standard case reports libtorch's thread count and the OpenMP
 * settings it ran under and ends with images_per_second=N; bad input is one line, exit 2.
 */
class BenchCommandTest {
    private static String run(int expectedExit, String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, Main.run(args));
        } finally {
            System.setOut(out);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCaseRunsAndPrintsImagesPerSecondLast() {
        for (String c : List.of("bcos-r34-r18", "std-r34-r18-gradcam", "bcos-d169-vitti")) {
            String out = run(0, "bench", "--case", c, "--steps", "1", "--warmup", "0", "--batch", "2", "--size", "32");
            String[] lines = out.strip().split("\n");
            Matcher last = Pattern.compile("images_per_second=([0-9.]+)").matcher(lines[lines.length - 1]);
            assertTrue(last.matches(), c + ": " + out);
            assertTrue(Double.parseDouble(last.group(1)) > 0, out);
            assertTrue(out.contains("peak_rss_mib="), out);
            Matcher threads = Pattern.compile("(?m)^threads=([0-9]+)$").matcher(out);
            assertTrue(threads.find() && Integer.parseInt(threads.group(1)) >= 1, "libtorch's thread count: " + out);
            assertTrue(Pattern.compile("(?m)^omp_wait_policy=\\S+$").matcher(out).find(), out);
        }
    }

    @Test
    void unknownCaseIsAOneLineError() {
        assertEquals(2, Main.run("bench", "--case", "nope"));
        assertEquals(2, Main.run("bench", "--case", "kd-r34-r18", "--batch", "0"));
    }
}
