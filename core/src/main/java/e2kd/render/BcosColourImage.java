package e2kd.render;

import java.util.Arrays;

/**
 * The colour explanation picture of a B-cos model, as B-cos-v2's {@code bcos.common.gradient_to_image(image,
 * linear_mapping, smooth=15, alpha_percentile=99.5)} draws it, from the encoded input x = [r, g, b, 1−r, 1−g, 1−b]
 * and W(x), both (6, H, W). Per pixel:
 * <pre>
 *   w' = max(W / (max_c |W_c| + 1e-12), 0)            direction kept, negative channels dropped
 *   rgb_c = w'_c / (w'_c + w'_{c+3} + 1e-12), c = r, g, b
 *   α = ‖W‖₂, or 1e-12 where the contribution Σ_c x_c W_c is negative
 *   α = avg_pool(α, smooth, stride 1, padding (smooth−1)/2, zeros counted)   (when smooth > 0)
 *   α = clip(α / quantile(α, percentile/100), 0, 1)   (linear interpolation between order statistics)
 * </pre>
 * The result is RGBA (transparent where the model sees nothing). Computed in float on the CPU: it is a picture,
 * not a training quantity.
 */
public final class BcosColourImage {
    public static final int SMOOTH = 15;
    public static final double ALPHA_PERCENTILE = 99.5;

    private BcosColourImage() {}

    /** With B-cos-v2's defaults (smooth 15, percentile 99.5). */
    public static Picture render(float[] x, float[] w, int height, int width) {
        return render(x, w, height, width, SMOOTH, ALPHA_PERCENTILE);
    }

    /**
     * @param x          encoded input (6, H, W), CHW row-major
     * @param w          W(x) (6, H, W) for the explained class
     * @param smooth     avg-pool kernel for α (0: none)
     * @param percentile α cut-off percentile in [0, 100]
     */
    public static Picture render(float[] x, float[] w, int height, int width, int smooth, double percentile) {
        int plane = height * width;
        if (x.length != 6 * plane || w.length != 6 * plane) {
            throw new IllegalArgumentException("B-cos colour image needs input and W(x) of shape (6, " + height + ", "
                    + width + "), got " + x.length + " and " + w.length + " values");
        }
        float[] out = new float[4 * plane];
        float[] alpha = new float[plane];
        for (int p = 0; p < plane; p++) {
            float max = 0;
            float contribution = 0;
            float squares = 0;
            for (int c = 0; c < 6; c++) {
                float v = w[c * plane + p];
                max = Math.max(max, Math.abs(v));
                contribution += x[c * plane + p] * v;
                squares += v * v;
            }
            float scale = max + 1e-12f;
            for (int c = 0; c < 3; c++) {
                float pos = Math.max(w[c * plane + p] / scale, 0f);
                float neg = Math.max(w[(c + 3) * plane + p] / scale, 0f);
                out[4 * p + c] = pos / (pos + neg + 1e-12f);
            }
            alpha[p] = contribution < 0 ? 1e-12f : (float) Math.sqrt(squares);
        }
        float[] smoothed = smooth > 0 ? averagePool(alpha, height, width, smooth) : alpha;
        double cut = quantile(smoothed, percentile / 100.0);
        for (int p = 0; p < plane; p++) {
            double a = cut > 0 ? smoothed[p] / cut : 0;
            out[4 * p + 3] = (float) Math.max(0, Math.min(1, a));
        }
        return new Picture(height, width, 4, out);
    }

    /** avg_pool2d(k, stride 1, padding (k−1)/2, count_include_pad): every window sum is divided by k². */
    static float[] averagePool(float[] in, int height, int width, int k) {
        int pad = (k - 1) / 2;
        int outHeight = height + 2 * pad - k + 1;
        int outWidth = width + 2 * pad - k + 1;
        if (outHeight != height || outWidth != width) {
            throw new IllegalArgumentException("smoothing kernel " + k + " must be odd to keep the picture size");
        }
        float[] out = new float[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float sum = 0;
                for (int dy = -pad; dy <= pad; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) {
                        continue;
                    }
                    for (int dx = -pad; dx <= pad; dx++) {
                        int xx = x + dx;
                        if (xx >= 0 && xx < width) {
                            sum += in[yy * width + xx];
                        }
                    }
                }
                out[y * width + x] = sum / (k * k);
            }
        }
        return out;
    }

    /** torch.quantile's default: sorted values v, position q·(n−1), linear interpolation. */
    static double quantile(float[] values, double q) {
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int lo = (int) Math.floor(position);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = position - lo;
        return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
    }
}
