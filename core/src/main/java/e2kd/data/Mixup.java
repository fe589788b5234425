package e2kd.data;

import java.util.SplittableRandom;

/**
 * Mixup (Zhang et al. 2018) within a batch: with {@code lambda ~ Beta(alpha, alpha)} and a random
 * permutation {@code partner}, row {@code i} becomes {@code lambda*row[i] +
 * (1-lambda)*row[partner[i]]}. The same draw is applied to images, targets and (in frozen e²KD)
 * explanation maps, so mixed rows stay consistent; target rows that sum to 1 still do.
 */
public record Mixup(double alpha) {
    /** @throws IllegalArgumentException unless {@code alpha > 0} */
    public Mixup {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("mixup alpha must be positive, got " + alpha);
        }
    }

    /** One batch's mixing coefficient and partner permutation. */
    public record Draw(float lambda, int[] partner) {}

    /** Draws lambda and a uniformly random permutation of {@code [0, batchSize)}. */
    public Draw draw(int batchSize, SplittableRandom rng) {
        float lambda = (float) BetaDistribution.sample(alpha, alpha, rng);
        int[] partner = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            partner[i] = i;
        }
        for (int i = batchSize - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = partner[i];
            partner[i] = partner[j];
            partner[j] = tmp;
        }
        return new Draw(lambda, partner);
    }

    /**
     * Mixes the rows of {@code rows}, a {@code (B, D)} row-major batch with {@code B =
     * draw.partner().length}.
     *
     * @return a new {@code (B, D)} array
     */
    public static float[] mix(float[] rows, Draw draw) {
        int b = draw.partner().length;
        if (b == 0 || rows.length % b != 0) {
            throw new IllegalArgumentException("cannot split " + rows.length + " floats into " + b + " rows");
        }
        int d = rows.length / b;
        float lambda = draw.lambda();
        float[] out = new float[rows.length];
        for (int i = 0; i < b; i++) {
            int self = i * d;
            int other = draw.partner()[i] * d;
            for (int k = 0; k < d; k++) {
                out[self + k] = lambda * rows[self + k] + (1 - lambda) * rows[other + k];
            }
        }
        return out;
    }
}
