package e2kd.data;

import java.util.SplittableRandom;

/**
 * Evaluation transform: resize so the shorter side is {@code resizeShorter} (the longer side
 * becomes {@code floor(resizeShorter * longer / shorter)}, as torchvision's {@code Resize(int)}),
 * then take the centred {@code (cropSize,cropSize)} box (offsets rounded half-to-even, as {@code
 * CenterCrop}). Ignores the generator.
 */
public record EvalTransform(int resizeShorter, int cropSize) implements Augmentation {
    /**
     * @throws IllegalArgumentException unless {@code 0 < cropSize <= resizeShorter}
     */
    public EvalTransform {
        if (cropSize <= 0 || cropSize > resizeShorter) {
            throw new IllegalArgumentException("eval transform needs 0 < cropSize <= resizeShorter, got crop "
                    + cropSize + " and resize " + resizeShorter);
        }
    }

    /** The usual ratio 0.875: crop 224 after resizing to 256 (28 after 32). */
    public static EvalTransform standard(int cropSize) {
        return new EvalTransform((int) Math.rint(cropSize / 0.875), cropSize);
    }

    @Override
    public GeometricTransform sample(int height, int width, SplittableRandom rng) {
        int scaledHeight;
        int scaledWidth;
        if (height <= width) {
            scaledHeight = resizeShorter;
            scaledWidth = (int) ((long) resizeShorter * width / height);
        } else {
            scaledWidth = resizeShorter;
            scaledHeight = (int) ((long) resizeShorter * height / width);
        }
        int top = (int) Math.rint((scaledHeight - cropSize) / 2.0);
        int left = (int) Math.rint((scaledWidth - cropSize) / 2.0);
        return new GeometricTransform(
                height, width, scaledHeight, scaledWidth, top, left, cropSize, cropSize, cropSize, cropSize, false);
    }
}
