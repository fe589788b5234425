package e2kd.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 200-step version of {@code e2kd soak}: no live-array growth, bounded RSS growth, finite losses. */
class SoakTest {
    @Test
    void e2kdStepsReleaseEverythingTheyAllocate() {
        List<Soak.Sample> samples = Soak.run(200, 8, 20, s -> System.out.println(s));
        Soak.Sample early = samples.get(2);
        Soak.Sample last = samples.get(samples.size() - 1);
        assertEquals(early.liveArrays(), last.liveArrays(), "live NDArrays after step " + early.step() + " vs " + last.step());
        samples.forEach(s -> assertTrue(Double.isFinite(s.loss()), "loss at step " + s.step() + " is " + s.loss()));
        double growth = (last.rssKiB() - early.rssKiB()) / (double) early.rssKiB();
        assertTrue(growth < 0.05, "RSS grew " + 100 * growth + "% from step " + early.step() + " to " + last.step());
    }
}
