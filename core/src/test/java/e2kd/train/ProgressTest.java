package e2kd.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line's fields, the terminal bar, and plain lines when stderr is not a terminal. */
class ProgressTest {
    private static final StepResult DISTILL = new StepResult(1.25, parts("kd", 0.5, "explanation", 0.75), false);

    private static Map<String, Double> parts(String a, double va, String b, double vb) {
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put(a, va);
        parts.put(b, vb);
        return parts;
    }

    @Test
    void lineShowsEpochStepLossPartsSpeedAndEta() {
        assertEquals(
                "epoch 2/5  step 30/100  loss 1.2500 kd 0.5000 explanation 0.7500  812.3 img/s  ETA 1:01:05",
                Progress.line(2, 5, 30, 100, DISTILL, 812.34, 3665));
        assertEquals(
                "epoch 1/1  step 1/9  loss 0.3000 ground_truth 0.3000  1.0 img/s  ETA 0:00:00",
                Progress.line(1, 1, 1, 9, new StepResult(0.3, Map.of("ground_truth", 0.3), false), 1, 0.4));
    }

    @Test
    void terminalBarRewritesOneLineAndFillsWithProgress() {
        String bar = Progress.bar(5, 20, "x");
        assertEquals("\r[#####               ] x\033[K", bar);
        assertTrue(Progress.bar(20, 20, "x").startsWith("\r[" + "#".repeat(20) + "]"));
        assertTrue(Progress.bar(25, 20, "x").startsWith("\r[" + "#".repeat(20) + "]"), "overshoot stays in the bar");
    }

    @Test
    void plainLinesWithoutTerminalAndNoCarriageReturns() {
        String out = capture(false, 2);
        assertFalse(out.contains("\r"), out);
        assertEquals(3, out.lines().count(), out);
        assertTrue(out.lines().toList().get(0).startsWith("epoch 1/2  step 2/4  loss 1.2500"), out);
        assertTrue(out.lines().toList().get(1).startsWith("epoch 1/2  step 4/4"), out);
        assertTrue(out.lines().toList().get(2).startsWith("epoch 1/2 done  loss 1.2500  val top-1 0.5000"), out);
        assertEquals("epoch 1/2 done  loss 1.2500  val top-1 0.5000  10.0 img/s\n", capture(false, 0));
    }

    @Test
    void terminalGetsABarPerStep() {
        String out = capture(true, 0);
        assertEquals(4, out.chars().filter(c -> c == '\r').count(), out);
        assertTrue(out.contains("[##########          ] epoch 1/2  step 2/4"), out);
        assertTrue(out.endsWith("\nepoch 1/2 done  loss 1.2500  val top-1 0.5000  10.0 img/s\n"), out);
    }

    private static String capture(boolean terminal, int every) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), every, terminal);
        for (int step = 1; step <= 4; step++) {
            p.step(1, 2, step, 4, DISTILL, 10, 4 - step);
        }
        p.epoch(1, 2, 1.25, 0.5, 10);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
