package e2kd.data;

import java.util.SplittableRandom;

/**
 * The crop box of torchvision's {@code RandomResizedCrop.get_params}: up to 10 attempts draw an
 * area fraction {@code U(scaleMin, scaleMax)} and a log-uniform aspect ratio (width/height) in
 * {@code [ratioMin, ratioMax]}; the first box that fits is placed uniformly at random. If none
 * fits, the fallback is the largest centred box whose aspect ratio is clamped to the range.
 * Rounding is half-to-even like Python's {@code round}.
 */
public final class RandomResizedCrop {
    private static final int ATTEMPTS = 10;

    private RandomResizedCrop() {}

    /** A crop box: rows {@code [top, top+height)}, columns {@code [left, left+width)}. */
    public record Box(int top, int left, int height, int width) {}

    /** Draws a box inside a {@code (height,width)} image. */
    public static Box sample(
            int height,
            int width,
            double scaleMin,
            double scaleMax,
            double ratioMin,
            double ratioMax,
            SplittableRandom rng) {
        double area = (double) height * width;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        return centreFallback(height, width, ratioMin, ratioMax);
    }

    private static Box centreFallback(int height, int width, double ratioMin, double ratioMax) {
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < ratioMin) {
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            w = (int) Math.rint(h * ratioMax);
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
