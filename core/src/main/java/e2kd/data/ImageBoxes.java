package e2kd.data;

import java.util.List;

/**
 * The boxes of one image together with the image's size, so that a mask can be drawn before the
 * image is decoded.
 *
 * @param height image height in pixels
 * @param width image width in pixels
 * @param boxes boxes inside the image (possibly none)
 */
public record ImageBoxes(int height, int width, List<Box> boxes) {
    /**
     * @throws IllegalArgumentException if a box leaves the image
     */
    public ImageBoxes {
        boxes = List.copyOf(boxes);
        for (Box b : boxes) {
            if (!b.fits(height, width)) {
                throw new IllegalArgumentException(
                        "box " + b + " leaves the " + width + "x" + height + " (width x height) image");
            }
        }
    }

    /**
     * The union of the boxes as a {@code (1,height,width)} map: 1 at row y, column x when some box
     * has {@code x0 <= x < x1} and {@code y0 <= y < y1}, else 0.
     */
    public Image mask() {
        float[] out = new float[height * width];
        for (Box b : boxes) {
            for (int y = b.y0(); y < b.y1(); y++) {
                java.util.Arrays.fill(out, y * width + b.x0(), y * width + b.x1(), 1f);
            }
        }
        return new Image(1, height, width, out);
    }
}
