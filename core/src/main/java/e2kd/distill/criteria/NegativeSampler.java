package e2kd.distill.criteria;

import e2kd.data.Seeds;
import java.util.SplittableRandom;

/**
 * CRD's contrast indices ("exact" mode of the original data sets): for a sample of class y, the sample itself and k
 * negatives drawn uniformly, with replacement, from the training samples of all other classes (mdistiller's
 * ImageNet sampler: {@code np.random.choice(cls_negative[y], k, replace=True)}). Draws come from
 * {@link Seeds#random}(seed, {@link Seeds#CRD_NEGATIVES}, step), so a step's indices depend on the run's seed, the
 * step and the batch only: the same after a resume.
 */
final class NegativeSampler {
    private final int[] labels;
    /** Training indices sorted by class; class c occupies [start[c], start[c] + count[c]). */
    private final int[] byClass;

    private final int[] start;
    private final int[] count;
    private final int k;
    private final long seed;

    /**
     * @param labels each training sample's class
     * @param k      negatives per sample asked for; fewer, N − (the largest class's size), when the data set has
     *               fewer samples outside some class, so that no sample gets more negatives than it has distinct
     *               candidates
     */
    NegativeSampler(int[] labels, int k, long seed) {
        int classes = 0;
        for (int y : labels) {
            if (y < 0) {
                throw new IllegalArgumentException("negative class label " + y);
            }
            classes = Math.max(classes, y + 1);
        }
        count = new int[classes];
        for (int y : labels) {
            count[y]++;
        }
        start = new int[classes];
        for (int c = 1; c < classes; c++) {
            start[c] = start[c - 1] + count[c - 1];
        }
        byClass = new int[labels.length];
        int[] next = start.clone();
        for (int i = 0; i < labels.length; i++) {
            byClass[next[labels[i]]++] = i;
        }
        int largest = 0;
        for (int c : count) {
            largest = Math.max(largest, c);
        }
        if (k < 1 || largest == labels.length) {
            throw new IllegalArgumentException(
                    "CRD needs k >= 1 negatives (k=" + k + ") and training samples of at least" + " two classes");
        }
        this.labels = labels.clone();
        this.k = Math.min(k, labels.length - largest);
        this.seed = seed;
    }

    /** Negatives per sample. */
    int k() {
        return k;
    }

    /** Row b of the (B, k + 1) result: indices[b], then k negatives of indices[b]; row-major. */
    long[] draw(long[] indices, long step) {
        SplittableRandom rng = Seeds.random(seed, Seeds.CRD_NEGATIVES, step);
        long[] out = new long[indices.length * (k + 1)];
        for (int b = 0; b < indices.length; b++) {
            int y = labels[Math.toIntExact(indices[b])];
            int pool = labels.length - count[y];
            int row = b * (k + 1);
            out[row] = indices[b];
            for (int j = 1; j <= k; j++) {
                int u = rng.nextInt(pool);
                out[row + j] = byClass[u < start[y] ? u : u + count[y]];
            }
        }
        return out;
    }
}
