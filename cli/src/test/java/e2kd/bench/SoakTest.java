package e2kd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The 200-step version of {@code e2kd soak}, forked with a small fixed heap so that RSS measures native memory
 * and pre-touched (a growing or first-touched Java heap would otherwise dominate RSS): live NDArrays constant, RSS
 * growth below 5%.
 */
class SoakTest {
    @Test
    void e2kdStepsReleaseEverythingTheyAllocate() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(
                        System.getProperty("java.home") + "/bin/java",
                        "-Xmx160m",
                        "-Xms160m",
                        "-XX:+AlwaysPreTouch",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "e2kd.cli.Main",
                        "soak",
                        "--steps",
                        "200",
                        "--every",
                        "20"))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        Matcher live = Pattern.compile("live arrays: (\\d+) at step (\\d+), (\\d+) at step (\\d+)")
                .matcher(out);
        assertTrue(live.find(), out);
        assertEquals(live.group(1), live.group(3), "live NDArrays grew: " + out);
        Matcher rss =
                Pattern.compile("rss growth after step \\d+: ([-+0-9.]+)%").matcher(out);
        assertTrue(rss.find(), out);
        assertTrue(Double.parseDouble(rss.group(1)) < 5.0, "RSS growth: " + out);
    }
}
