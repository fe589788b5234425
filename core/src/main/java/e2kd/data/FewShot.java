package e2kd.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Few-shot subsets as in the e²KD paper (e.g. 50 training shots and 50 held-out validation images
 * per class, seed 42).
 *
 * <p>Algorithm, reproducible across runs and machines: for each class {@code c} (ascending), take
 * its sample indices in ascending order, draw {@code shots + val} of them with a partial
 * Fisher–Yates shuffle ({@code for i in 0..n-1: swap(i, i + rng.nextInt(size - i))}) using
 * {@code Seeds.random(seed, Seeds.FEW_SHOT, c)}; the first {@code shots} are training, the next
 * {@code val} validation. Each class uses its own stream, so one class's size never changes
 * another's selection. Both outputs are sorted ascending.
 */
public final class FewShot {
    private FewShot() {}

    /** Disjoint training and validation sample indices, each sorted ascending. */
    public record Split(int[] train, int[] val) {}

    /**
     * Selects {@code shotsPerClass} training and {@code valPerClass} validation indices from every
     * class present in {@code labels}.
     *
     * @param labels class of each sample, {@code (N)}, non-negative
     * @throws E2kdDataException if a class has fewer than {@code shotsPerClass + valPerClass} samples
     */
    public static Split split(int[] labels, int shotsPerClass, int valPerClass, long seed) {
        if (shotsPerClass < 0 || valPerClass < 0) {
            throw new IllegalArgumentException(
                    "shotsPerClass " + shotsPerClass + " and valPerClass " + valPerClass + " must be non-negative");
        }
        return split(labels, PerClass.of(shotsPerClass), PerClass.of(valPerClass), seed);
    }

    /**
     * As {@link #split(int[], int, int, long)} with per-class amounts that may depend on the class's size: the
     * validation amount is taken first ({@code val} may not be {@code all}), then the training amount ({@code all}:
     * every remaining sample, whole classes shuffled the same way).
     */
    public static Split split(int[] labels, PerClass shots, PerClass val, long seed) {
        if (val.kind() == PerClass.Kind.ALL) {
            throw new IllegalArgumentException("the validation split cannot take all of a class");
        }
        int[][] byClass = indicesByClass(labels);
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (int c = 0; c < byClass.length; c++) {
            int[] members = byClass[c];
            if (members.length == 0) {
                continue;
            }
            int valCount = val.of(members.length, 0);
            int shotCount = shots.of(members.length, valCount);
            int need = shotCount + valCount;
            if (members.length < need) {
                throw new E2kdDataException("class " + c + " has " + members.length
                        + " samples, need shotsPerClass + valPerClass = " + need);
            }
            SplittableRandom rng = Seeds.random(seed, Seeds.FEW_SHOT, c);
            for (int i = 0; i < need; i++) {
                int j = i + rng.nextInt(members.length - i);
                int tmp = members[i];
                members[i] = members[j];
                members[j] = tmp;
            }
            for (int i = 0; i < shotCount; i++) {
                train.add(members[i]);
            }
            for (int i = shotCount; i < need; i++) {
                validation.add(members[i]);
            }
        }
        return new Split(sorted(train), sorted(validation));
    }

    private static int[] sorted(List<Integer> indices) {
        int[] out = indices.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }

    /** Per label value {@code 0..max}, the sample indices with that label in ascending order. */
    private static int[][] indicesByClass(int[] labels) {
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is negative");
            }
            max = Math.max(max, labels[i]);
        }
        int[] counts = new int[max + 1];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] byClass = new int[max + 1][];
        for (int c = 0; c <= max; c++) {
            byClass[c] = new int[counts[c]];
        }
        int[] filled = new int[max + 1];
        for (int i = 0; i < labels.length; i++) {
            byClass[labels[i]][filled[labels[i]]++] = i;
        }
        return byClass;
    }
}
