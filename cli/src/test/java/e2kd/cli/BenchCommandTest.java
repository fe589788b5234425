package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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

    /**
     * The summary lines follow from the printed step times: the median of two steps is their mean, and images per
     * second is batch · steps / total seconds (within the printed rounding, 0.05 ms per step).
     */
    @Test
    void everyCaseRunsAndPrintsImagesPerSecondLast() {
        int batch = 2;
        for (String c : List.of("bcos-r34-r18", "std-r34-r18-gradcam", "bcos-d169-vitti")) {
            String out = run(
                    0,
                    "bench",
                    "--case",
                    c,
                    "--steps",
                    "2",
                    "--warmup",
                    "0",
                    "--batch",
                    Integer.toString(batch),
                    "--size",
                    "32");
            String[] lines = out.strip().split("\n");
            Matcher last = Pattern.compile("images_per_second=([0-9.]+)").matcher(lines[lines.length - 1]);
            assertTrue(last.matches(), c + ": " + out);
            double[] steps = out.lines()
                    .filter(l -> l.startsWith("step_ms="))
                    .mapToDouble(l -> Double.parseDouble(l.substring("step_ms=".length())))
                    .toArray();
            assertEquals(2, steps.length, out);
            double median = value(out, "median_step_ms");
            assertEquals((steps[0] + steps[1]) / 2, median, 0.1, "median of two steps: " + out);
            double expected = batch * steps.length / ((steps[0] + steps[1]) / 1000);
            double ips = Double.parseDouble(last.group(1));
            assertEquals(expected, ips, expected * 0.1 / (steps[0] + steps[1]) + 0.01, "images per second: " + out);
            assertTrue(value(out, "peak_rss_mib") > 0, out);
            Matcher threads = Pattern.compile("(?m)^threads=([0-9]+)$").matcher(out);
            assertTrue(threads.find() && Integer.parseInt(threads.group(1)) >= 1, "libtorch's thread count: " + out);
            assertTrue(
                    Pattern.compile("(?m)^omp_wait_policy=\\S+$").matcher(out).find(), out);
        }
    }

    @Test
    void jsonHoldsTheSameFields() throws java.io.IOException {
        String out = run(
                0,
                "bench",
                "--json",
                "--case",
                "bcos-r34-r18",
                "--steps",
                "2",
                "--warmup",
                "0",
                "--batch",
                "2",
                "--size",
                "32");
        com.fasterxml.jackson.databind.JsonNode r = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
        assertEquals(2, r.get("step_ms").size(), out);
        double median = r.get("median_step_ms").asDouble();
        assertEquals(
                (r.get("step_ms").get(0).asDouble() + r.get("step_ms").get(1).asDouble()) / 2, median, 1e-9, out);
        assertEquals(2 * 2 / (2 * median / 1000), r.get("images_per_second").asDouble(), 1e-6, out);
        assertTrue(r.get("threads").asInt() >= 1 && r.has("omp_wait_policy"), out);
    }

    private static double value(String out, String key) {
        return out.lines()
                .filter(l -> l.startsWith(key + "="))
                .mapToDouble(l -> Double.parseDouble(l.substring(key.length() + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + out));
    }

    /** --devices 2: both throughputs, their ratio as scaling_efficiency, the data-parallel one last. */
    @Test
    void devicesComparesReplicasWithThreads() {
        // 4 rows: 2 per replica (batch norm of the 1x1 last stage needs more than one value per channel)
        String out = run(
                0,
                "bench",
                "--case",
                "kd-r34-r18",
                "--devices",
                "2",
                "--steps",
                "1",
                "--warmup",
                "0",
                "--batch",
                "4",
                "--size",
                "32");
        double parallel = value(out, "data_parallel_images_per_second");
        double single = value(out, "one_replica_images_per_second");
        assertTrue(parallel > 0 && single > 0, out);
        assertEquals(parallel / single, value(out, "scaling_efficiency"), 0.0005 + 0.01 * parallel / single, out);
        String[] lines = out.strip().split("\n");
        assertEquals(String.format(java.util.Locale.ROOT, "images_per_second=%.2f", parallel), lines[lines.length - 1]);
        assertEquals(2, out.lines().filter(l -> l.startsWith("step_ms=")).count(), out);
        assertEquals(2, Main.run("bench", "--case", "kd-r34-r18", "--devices", "0"));
    }

    @Test
    void unknownCaseIsAOneLineError() {
        assertEquals(2, Main.run("bench", "--case", "nope"));
        assertEquals(2, Main.run("bench", "--case", "kd-r34-r18", "--batch", "0"));
    }
}
