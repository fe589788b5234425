package e2kd.data;

import java.util.SplittableRandom;

/** Draws the {@link GeometricTransform} for one sample; deterministic given the generator. */
@FunctionalInterface
public interface Augmentation {
    /**
     * @param height height of the sample's image
     * @param width width of the sample's image
     * @param rng the sample's own generator (see {@link Seeds})
     */
    GeometricTransform sample(int height, int width, SplittableRandom rng);

    /** No change: every sample keeps its own size. */
    static Augmentation identity() {
        return (height, width, rng) -> GeometricTransform.identity(height, width);
    }
}
