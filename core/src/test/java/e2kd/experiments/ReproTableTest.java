package e2kd.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The suites' markdown table against hand-computed means and sample standard deviations. */
class ReproTableTest {
    @Test
    void cellsAreMeanAndSampleStdOverSeeds() {
        ReproTable t =
                new ReproTable(List.of(new ReproTable.Column("top-1", true), new ReproTable.Column("sim", false)));
        t.add("KD", "top-1", 0.5);
        t.add("KD", "top-1", 0.7); // mean 60.0 %, std sqrt(((-0.1)^2 + 0.1^2) / 1) = 0.1414 -> 14.1 points
        t.add("KD", "sim", 0.25); // one value: std 0
        t.add("e2KD", "sim", -0.125);
        t.add("e2KD", "sim", 0.125);
        t.add("e2KD", "sim", 0.375); // mean 0.125, std sqrt((0.0625 + 0 + 0.0625) / 2) = 0.25
        assertEquals("""
                | | top-1 | sim |
                |---|---|---|
                | KD | 60.0 ± 14.1 | 0.250 ± 0.000 |
                | e2KD | - | 0.125 ± 0.250 |
                """, t.markdown());
        assertThrows(IllegalArgumentException.class, () -> t.add("KD", "agreement", 0.5));
    }
}
