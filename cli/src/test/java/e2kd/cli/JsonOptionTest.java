package e2kd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command that prints results takes {@code --json}; soak's JSON holds its samples and the summary. */
class JsonOptionTest {
    @Test
    void everyCommandThatPrintsResultsTakesJson() {
        CommandLine cli = new CommandLine(new Main());
        for (var e : cli.getSubcommands().entrySet()) {
            CommandLine command = e.getValue();
            if (!command.getSubcommands().isEmpty()) {
                command.getSubcommands()
                        .keySet()
                        .forEach(sub -> assertTrue(
                                Cli.stdout(e.getKey(), sub, "--help").contains("--json"), e.getKey() + " " + sub));
                continue;
            }
            assertTrue(Cli.stdout(e.getKey(), "--help").contains("--json"), e.getKey());
        }
    }

    @Test
    void soakPrintsItsSamplesAsJson() throws IOException {
        JsonNode soak = new ObjectMapper()
                .readTree(Cli.stdout("soak", "--json", "--steps", "6", "--every", "2", "--batch", "2", "--width", "2"));
        assertEquals(6, soak.path("steps").asInt());
        JsonNode samples = soak.path("samples");
        assertEquals(3, samples.size(), soak.toString());
        assertEquals(6, samples.get(2).path("step").asInt());
        // warm-up: the samples from step 6 · 3/5 on, i.e. steps 4 and 6
        assertEquals(4, soak.path("warm_step").asInt(), soak.toString());
        assertEquals(samples.get(1).path("live_arrays"), soak.path("live_arrays_first"));
        assertEquals(samples.get(2).path("live_arrays"), soak.path("live_arrays_last"));
        double before = samples.get(1).path("rss_mib").asDouble();
        double after = samples.get(2).path("rss_mib").asDouble();
        assertEquals(
                100 * (after - before) / before, soak.path("rss_growth_percent").asDouble(), 1e-9);
    }
}
