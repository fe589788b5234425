package e2kd.data;

/**
 * One geometric augmentation, fixed once drawn, that can be applied to any {@code (C,H,W)} map so
 * that an image and its explanation map stay pixel-aligned (paired augmentation for frozen e²KD).
 *
 * <p>Applied as torchvision would to a PIL image, every resize antialiased bilinear ({@link
 * ImageOps#resize}): (1) a map whose size differs from the image it was drawn for,
 * {@code (srcHeight,srcWidth)}, is first resampled to that size; (2) resize to
 * {@code (scaledHeight,scaledWidth)} (equal to the source size except for the eval transform's
 * resize-shorter-side); (3) crop rows {@code [top, top+cropHeight)} and columns {@code [left,
 * left+cropWidth)}; (4) resize to {@code (outHeight,outWidth)}; (5) horizontal flip if
 * {@code flip}. Steps that would not change the size are skipped.
 */
public record GeometricTransform(
        int srcHeight,
        int srcWidth,
        int scaledHeight,
        int scaledWidth,
        int top,
        int left,
        int cropHeight,
        int cropWidth,
        int outHeight,
        int outWidth,
        boolean flip) {

    /**
     * @throws IllegalArgumentException if a size is not positive or the crop leaves the scaled image
     */
    public GeometricTransform {
        if (srcHeight <= 0
                || srcWidth <= 0
                || scaledHeight <= 0
                || scaledWidth <= 0
                || outHeight <= 0
                || outWidth <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + this);
        }
        if (top < 0
                || left < 0
                || cropHeight <= 0
                || cropWidth <= 0
                || top + cropHeight > scaledHeight
                || left + cropWidth > scaledWidth) {
            throw new IllegalArgumentException(
                    "crop box must lie inside the " + scaledHeight + "x" + scaledWidth + " image: " + this);
        }
    }

    /** Crop a box of the {@code (srcHeight,srcWidth)} image, resize it to the output, maybe flip. */
    public static GeometricTransform crop(
            int srcHeight,
            int srcWidth,
            int top,
            int left,
            int cropHeight,
            int cropWidth,
            int outHeight,
            int outWidth,
            boolean flip) {
        return new GeometricTransform(
                srcHeight, srcWidth, srcHeight, srcWidth, top, left, cropHeight, cropWidth, outHeight, outWidth, flip);
    }

    /** The identity on a {@code (height,width)} image. */
    public static GeometricTransform identity(int height, int width) {
        return crop(height, width, 0, 0, height, width, height, width, false);
    }

    /** The same transform with the flip set to {@code flip}. */
    public GeometricTransform withFlip(boolean flip) {
        return new GeometricTransform(
                srcHeight,
                srcWidth,
                scaledHeight,
                scaledWidth,
                top,
                left,
                cropHeight,
                cropWidth,
                outHeight,
                outWidth,
                flip);
    }

    /**
     * Applies the transform to {@code map} {@code (C,h,w)}, any channel count and resolution.
     *
     * @return {@code (C,outHeight,outWidth)}
     */
    public Image apply(Image map) {
        Image m = ImageOps.resize(map, srcHeight, srcWidth);
        m = ImageOps.resize(m, scaledHeight, scaledWidth);
        if (top != 0 || left != 0 || cropHeight != scaledHeight || cropWidth != scaledWidth) {
            m = ImageOps.crop(m, top, left, cropHeight, cropWidth);
        }
        m = ImageOps.resize(m, outHeight, outWidth);
        return flip ? ImageOps.flipHorizontal(m) : m;
    }
}
