package e2kd.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupAccuracyTest {
    /**
     * Hand-computed: 2 classes, 2 places, class k paired with place k. Groups (y, place):
     * (0,0): 3 samples, 3 right; (0,1): 2 samples, 1 right; (1,0): 2 samples, 0 right; (1,1): 3 samples, 2 right.
     * In distribution = (0,0) + (1,1): 5 of 6; out of distribution = (0,1) + (1,0): 1 of 4; worst group (1,0) at 0.
     */
    @Test
    void perGroupWorstGroupAndInVersusOutOfDistribution() {
        int[] labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        int[] places = {0, 0, 0, 1, 1, 0, 0, 1, 1, 1};
        int[] predicted = {0, 0, 0, 0, 1, 0, 0, 1, 1, 0};
        GroupAccuracy g = GroupAccuracy.of(predicted, labels, places);
        assertEquals(
                List.of(
                        new GroupAccuracy.Group(0, 0, 3, 3),
                        new GroupAccuracy.Group(0, 1, 2, 1),
                        new GroupAccuracy.Group(1, 0, 2, 0),
                        new GroupAccuracy.Group(1, 1, 3, 2)),
                g.groups());
        assertEquals(new GroupAccuracy.Group(1, 0, 2, 0), g.worstGroup());
        assertEquals(0.0, g.worstGroup().accuracy());
        assertEquals(5 / 6.0, g.inDistribution(), 1e-15);
        assertEquals(1 / 4.0, g.outOfDistribution(), 1e-15);
        assertEquals(6, g.inCount());
        assertEquals(4, g.outCount());
    }

    /** A sample predicted -1 (left out as an unreadable image) is in no group: (0,1) loses its wrong sample. */
    @Test
    void leftOutSamplesAreNotCounted() {
        int[] labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        int[] places = {0, 0, 0, 1, 1, 0, 0, 1, 1, 1};
        int[] predicted = {0, 0, 0, 0, -1, 0, 0, 1, 1, 0};
        GroupAccuracy g = GroupAccuracy.of(predicted, labels, places);
        assertEquals(new GroupAccuracy.Group(0, 1, 1, 1), g.groups().get(1));
        assertEquals(1 / 3.0, g.outOfDistribution(), 1e-15);
        assertEquals(3, g.outCount());
    }

    /** With class 0 paired with place 1 and class 1 with place 0, in and out of distribution swap. */
    @Test
    void pairingOfClassesAndPlacesDecidesWhatIsInDistribution() {
        int[] labels = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        int[] places = {0, 0, 0, 1, 1, 0, 0, 1, 1, 1};
        int[] predicted = {0, 0, 0, 0, 1, 0, 0, 1, 1, 0};
        GroupAccuracy g = GroupAccuracy.of(predicted, labels, places, y -> 1 - y);
        assertEquals(1 / 4.0, g.inDistribution(), 1e-15);
        assertEquals(5 / 6.0, g.outOfDistribution(), 1e-15);
    }

    /** Ties for the worst group go to the first group in (label, place) order; a side with no samples is null. */
    @Test
    void tiesAndEmptySides() {
        GroupAccuracy g = GroupAccuracy.of(new int[] {1, 0, 2}, new int[] {0, 1, 2}, new int[] {0, 1, 2});
        assertEquals(new GroupAccuracy.Group(0, 0, 1, 0), g.worstGroup());
        assertEquals(1 / 3.0, g.inDistribution(), 1e-15);
        assertNull(g.outOfDistribution());
        assertEquals(0, g.outCount());
    }

    @Test
    void mismatchedLengthsAndNoSamplesAreErrors() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GroupAccuracy.of(new int[2], new int[3], new int[3]));
        assertEquals("group accuracy needs one prediction, label and place per sample, got 2, 3 and 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GroupAccuracy.of(new int[0], new int[0], new int[0]));
    }
}
