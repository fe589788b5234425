package e2kd.data;

import java.util.SplittableRandom;

/**
 * Training augmentation: {@link RandomResizedCrop} to {@code (size,size)} followed by a horizontal
 * flip with probability {@code flipProbability}, as torchvision's {@code
 * RandomResizedCrop(size, scale, ratio) + RandomHorizontalFlip(p)}.
 */
public record TrainAugmentation(
        int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax, double flipProbability)
        implements Augmentation {

    /**
     * @throws IllegalArgumentException for a non-positive size or an empty/invalid range
     */
    public TrainAugmentation {
        if (size <= 0
                || !(0 < scaleMin && scaleMin <= scaleMax && scaleMax <= 1)
                || !(0 < ratioMin && ratioMin <= ratioMax)
                || !(0 <= flipProbability && flipProbability <= 1)) {
            throw new IllegalArgumentException("invalid augmentation " + this
                    + ": need size > 0, 0 < scaleMin <= scaleMax <= 1, 0 < ratioMin <= ratioMax, p in [0,1]");
        }
    }

    /** torchvision's defaults: scale (0.08, 1), ratio (3/4, 4/3), flip p = 0.5. */
    public static TrainAugmentation standard(int size) {
        return new TrainAugmentation(size, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5);
    }

    @Override
    public GeometricTransform sample(int height, int width, SplittableRandom rng) {
        RandomResizedCrop.Box box =
                RandomResizedCrop.sample(height, width, scaleMin, scaleMax, ratioMin, ratioMax, rng);
        boolean flip = rng.nextDouble() < flipProbability;
        return GeometricTransform.crop(
                height, width, box.top(), box.left(), box.height(), box.width(), size, size, flip);
    }
}
