package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FewShotTest {
    /** 3 interleaved classes with 89, 130 and 91 samples. */
    private static int[] labels() {
        int[] labels = new int[310];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 270 ? i % 3 : 1;
        }
        labels[0] = 2;
        return labels;
    }

    @Test
    void deterministicForASeedAndDifferentAcrossSeeds() {
        FewShot.Split a = FewShot.split(labels(), 10, 5, 42);
        FewShot.Split b = FewShot.split(labels(), 10, 5, 42);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.val(), b.val());
        assertFalse(Arrays.equals(a.train(), FewShot.split(labels(), 10, 5, 43).train()));
    }

    @Test
    void pinnedSelectionGuardsAgainstAlgorithmChanges() {
        int[] labels = new int[20];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 2;
        }
        FewShot.Split s = FewShot.split(labels, 2, 1, 42);
        assertEquals(PINNED_TRAIN, Arrays.toString(s.train()));
        assertEquals(PINNED_VAL, Arrays.toString(s.val()));
    }

    /** Recorded with JDK 17 when the algorithm was written; must never change. */
    private static final String PINNED_TRAIN = "[6, 7, 8, 9]";

    private static final String PINNED_VAL = "[3, 14]";

    @Test
    void countsPerClassAndDisjoint() {
        int[] labels = labels();
        FewShot.Split s = FewShot.split(labels, 50, 39, 7);
        assertEquals(150, s.train().length);
        assertEquals(117, s.val().length);
        int[] trainCounts = new int[3];
        int[] valCounts = new int[3];
        Set<Integer> seen = new HashSet<>();
        for (int i : s.train()) {
            trainCounts[labels[i]]++;
            seen.add(i);
        }
        for (int i : s.val()) {
            valCounts[labels[i]]++;
            assertFalse(seen.contains(i), "index " + i + " in both train and val");
        }
        assertArrayEquals(new int[] {50, 50, 50}, trainCounts);
        assertArrayEquals(new int[] {39, 39, 39}, valCounts);
        assertEquals(150, seen.size());
    }

    @Test
    void tooFewImagesInAClass() {
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> FewShot.split(labels(), 50, 50, 42));
        assertEquals("class 0 has 89 samples, need shotsPerClass + valPerClass = 100", e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void allFractionAndCountAmountsPerClass() {
        FewShot.Split all = FewShot.split(labels(), PerClass.ALL, PerClass.of(5), 42);
        assertEquals(89 + 130 + 91 - 15, all.train().length, "all but the validation images");
        assertEquals(15, all.val().length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        java.util.Arrays.stream(all.train()).forEach(seen::add);
        java.util.Arrays.stream(all.val()).forEach(seen::add);
        assertEquals(89 + 130 + 91, seen.size(), "train and validation are disjoint and cover every sample");
        FewShot.Split tenth =
                FewShot.split(labels(), PerClass.parse("10%", "shots"), PerClass.parse("0.05", "val"), 42);
        assertEquals(9 + 13 + 9, tenth.train().length, "round(0.1 x 89, 130, 91)");
        assertEquals(4 + 7 + 5, tenth.val().length, "round(0.05 x 89, 130, 91)");
        assertArrayEquals(
                FewShot.split(labels(), 10, 5, 42).train(),
                FewShot.split(labels(), PerClass.of(10), PerClass.of(5), 42).train());
        assertThrows(IllegalArgumentException.class, () -> PerClass.parse("1.5", "shots_per_class"));
        assertThrows(IllegalArgumentException.class, () -> PerClass.parse("many", "shots_per_class"));
    }
}
