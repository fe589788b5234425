package e2kd.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;

/**
 * Accuracy per group, the worst group, and in- vs out-of-distribution accuracy, for data with a place (background)
 * label per sample, as on Waterbirds (Sagawa et al. 2020; e²KD paper Sec. 4.2, Table 4).
 *
 * <p>A sample's group is {@code (y, place)}. It is in-distribution when its place is the one its class is paired
 * with in the correlated training set ({@code place == placeOfClass(y)}), out-of-distribution otherwise.
 *
 * @param groups            every group present, ordered by (label, place)
 * @param worstGroup        the group with the lowest accuracy (the first in that order on ties)
 * @param inDistribution    top-1 over in-distribution samples; null when there are none
 * @param outOfDistribution top-1 over out-of-distribution samples; null when there are none
 * @param inCount           number of in-distribution samples
 * @param outCount          number of out-of-distribution samples
 */
public record GroupAccuracy(
        List<Group> groups,
        Group worstGroup,
        Double inDistribution,
        Double outOfDistribution,
        int inCount,
        int outCount) {
    /** One group's counts. */
    public record Group(int label, int place, int count, int correct) {
        public double accuracy() {
            return correct / (double) count;
        }
    }

    /** With each class paired with the place of the same id (class k on place k), as in Waterbirds and our scenes. */
    public static GroupAccuracy of(int[] predicted, int[] labels, int[] places) {
        return of(predicted, labels, places, IntUnaryOperator.identity());
    }

    /**
     * @param predicted    top-1 class per sample, (N); -1 for a sample left out (an unreadable image), not counted
     * @param labels       true class per sample, (N)
     * @param places       place per sample, (N)
     * @param placeOfClass the place class y is paired with in the correlated training set
     * @throws IllegalArgumentException for arrays of different lengths or no samples
     */
    public static GroupAccuracy of(int[] predicted, int[] labels, int[] places, IntUnaryOperator placeOfClass) {
        if (predicted.length != labels.length || labels.length != places.length) {
            throw new IllegalArgumentException("group accuracy needs one prediction, label and place per sample, got "
                    + predicted.length + ", " + labels.length + " and " + places.length);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("group accuracy of no samples");
        }
        TreeMap<Long, int[]> counts = new TreeMap<>();
        int[] in = new int[2];
        int[] out = new int[2];
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] < 0) {
                continue;
            }
            int hit = predicted[i] == labels[i] ? 1 : 0;
            int[] c = counts.computeIfAbsent(((long) labels[i] << 32) | places[i], k -> new int[2]);
            c[0]++;
            c[1] += hit;
            int[] side = places[i] == placeOfClass.applyAsInt(labels[i]) ? in : out;
            side[0]++;
            side[1] += hit;
        }
        List<Group> groups = new ArrayList<>();
        Group worst = null;
        for (var e : counts.entrySet()) {
            Group g = new Group((int) (e.getKey() >> 32), (int) (long) e.getKey(), e.getValue()[0], e.getValue()[1]);
            groups.add(g);
            if (worst == null || g.accuracy() < worst.accuracy()) {
                worst = g;
            }
        }
        return new GroupAccuracy(List.copyOf(groups), worst, ratio(in), ratio(out), in[0], out[0]);
    }

    private static Double ratio(int[] countCorrect) {
        return countCorrect[0] == 0 ? null : countCorrect[1] / (double) countCorrect[0];
    }
}
