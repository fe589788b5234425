package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MixupTest {
    @Test
    void mixedTargetsStillSumToOne() {
        Mixup mixup = new Mixup(0.2);
        int[] labels = {0, 3, 3, 9, 1, 4, 2, 8};
        for (int seed = 0; seed < 100; seed++) {
            Mixup.Draw draw = mixup.draw(labels.length, new SplittableRandom(seed));
            assertTrue(draw.lambda() >= 0 && draw.lambda() <= 1);
            int[] sorted = draw.partner().clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, sorted);
            float[] oneHot = new float[labels.length * 10];
            for (int i = 0; i < labels.length; i++) {
                oneHot[i * 10 + labels[i]] = 1;
            }
            float[] targets = Mixup.mix(oneHot, draw);
            for (int i = 0; i < labels.length; i++) {
                float sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += targets[i * 10 + k];
                }
                assertEquals(1f, sum, 1e-6f);
            }
        }
    }

    /**
     * λ ~ Beta(α, α): over many draws its mean is 1/2 and its variance 1/(4(2α + 1)); the partner of a row is uniform
     * over the batch, itself included (a uniform permutation, so row i keeps itself with probability 1/B).
     */
    @Test
    void drawsFollowBetaAlphaAlphaAndAUniformPermutation() {
        double alpha = 0.2;
        Mixup mixup = new Mixup(alpha);
        int n = 4000;
        int b = 8;
        double sum = 0;
        double squares = 0;
        int[] partnerOfRow0 = new int[b];
        int fixedPoints = 0;
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            Mixup.Draw draw = mixup.draw(b, rng);
            sum += draw.lambda();
            squares += (double) draw.lambda() * draw.lambda();
            partnerOfRow0[draw.partner()[0]]++;
            for (int k = 0; k < b; k++) {
                fixedPoints += draw.partner()[k] == k ? 1 : 0;
            }
        }
        double mean = sum / n;
        double variance = squares / n - mean * mean;
        assertEquals(0.5, mean, 0.02, "mean of lambda");
        assertEquals(1 / (4 * (2 * alpha + 1)), variance, 0.01, "variance of lambda");
        // each of the B partners of row 0 has probability 1/B: 500 expected, std about 21
        for (int k = 0; k < b; k++) {
            assertEquals(n / (double) b, partnerOfRow0[k], 120, "row 0 paired with row " + k);
        }
        assertEquals(n, fixedPoints, 300, "fixed points: one per draw on average");
    }

    @Test
    void mixesRowsWithTheirPartners() {
        Mixup.Draw draw = new Mixup.Draw(0.25f, new int[] {1, 0});
        assertArrayEquals(new float[] {7.5f, 9f, 2.5f, 3f}, Mixup.mix(new float[] {0, 0, 10, 12}, draw), 1e-6f);
    }

    @Test
    void betaSamplerHasTheRightMean() {
        SplittableRandom rng = new SplittableRandom(9);
        for (double[] ab : new double[][] {{0.2, 0.2}, {2, 5}, {1, 1}}) {
            double sum = 0;
            int n = 4000;
            for (int i = 0; i < n; i++) {
                double x = BetaDistribution.sample(ab[0], ab[1], rng);
                assertTrue(x >= 0 && x <= 1);
                sum += x;
            }
            assertEquals(ab[0] / (ab[0] + ab[1]), sum / n, 0.02, Arrays.toString(ab));
        }
    }
}
