package e2kd.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Procedural, seeded background textures for composite scenes: {@link #FAMILIES} families, one per
 * "place" (the Waterbirds-style background label). Each family has its own pattern and its own
 * two-colour palette (hue {@code family/10}); every call draws a new member of the family (random
 * phase, period within ±20 %, small hue jitter), so a family is a kind of background, not one image.
 *
 * <p>Pattern {@code p(x,y)} in [0,1] is mixed between the palette's dark colour (HSV value 0.3) and
 * light colour (value 0.65): {@code rgb = dark + p·(light − dark)}.
 */
public final class Textures {
    /** Family names; family {@code k} is place {@code k}. */
    public static final List<String> FAMILIES = List.of(
            "stripes-horizontal",
            "stripes-vertical",
            "stripes-diagonal",
            "checkerboard",
            "dots",
            "rings",
            "waves",
            "grid",
            "blobs",
            "speckle");

    private Textures() {}

    /**
     * A new member of {@code family}, {@code (3,height,width)} in [0,1].
     *
     * @throws IllegalArgumentException for a family outside {@code [0, FAMILIES.size())}
     */
    public static Image render(int family, int height, int width, SplittableRandom rng) {
        if (family < 0 || family >= FAMILIES.size()) {
            throw new IllegalArgumentException("texture family " + family + " outside 0.." + (FAMILIES.size() - 1));
        }
        double hue = family / (double) FAMILIES.size() + (rng.nextDouble() - 0.5) * 0.04;
        float[] dark = hsv(hue, 0.65, 0.3);
        float[] light = hsv(hue, 0.65, 0.65);
        float[] pattern = pattern(family, height, width, rng);
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = dark[c] + pattern[i] * (light[c] - dark[c]);
            }
        }
        return new Image(3, height, width, out);
    }

    /** The family's pattern {@code (H*W)}, row-major, values in [0,1]. */
    private static float[] pattern(int family, int height, int width, SplittableRandom rng) {
        double period = jitter(rng, family == 3 || family == 7 ? 6 : 7);
        double phase = rng.nextDouble() * 2 * Math.PI;
        float[] p = new float[height * width];
        double cx = rng.nextDouble() * width;
        double cy = rng.nextDouble() * height;
        int ox = rng.nextInt(64);
        int oy = rng.nextInt(64);
        float[] coarse = family == 8 ? noise(6 * 6, rng) : null;
        int cells = (width + 1) / 2;
        float[] speckle = family == 9 ? noise(cells * ((height + 1) / 2), rng) : null;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = switch (family) {
                    case 0 -> wave(y, period, phase);
                    case 1 -> wave(x, period, phase);
                    case 2 -> wave((x + y) / Math.sqrt(2), period, phase);
                    case 3 -> ((int) Math.floor((x + ox) / period) + (int) Math.floor((y + oy) / period)) & 1;
                    case 4 -> Math.hypot(centred(x + ox, period), centred(y + oy, period)) < period * 0.3 ? 1 : 0;
                    case 5 -> wave(Math.hypot(x - cx, y - cy), period, phase);
                    case 6 -> wave(y + 2.5 * Math.sin(2 * Math.PI * x / (2 * period) + phase), period, 0);
                    case 7 ->
                        (x + ox) % (int) Math.round(period) == 0 || (y + oy) % (int) Math.round(period) == 0 ? 1 : 0;
                    case 8 -> bilinear(coarse, 6, (double) x / width * 5, (double) y / height * 5);
                    default -> speckle[(y >> 1) * cells + (x >> 1)];
                };
                p[y * width + x] = (float) v;
            }
        }
        return p;
    }

    private static double jitter(SplittableRandom rng, double period) {
        return period * (0.8 + 0.4 * rng.nextDouble());
    }

    private static double wave(double t, double period, double phase) {
        return 0.5 + 0.5 * Math.sin(2 * Math.PI * t / period + phase);
    }

    /** Offset of {@code t} from the nearest multiple of {@code period} plus half a period. */
    private static double centred(double t, double period) {
        return t - (Math.floor(t / period) + 0.5) * period;
    }

    private static float[] noise(int n, SplittableRandom rng) {
        float[] g = new float[n];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextDouble();
        }
        return g;
    }

    private static double bilinear(float[] grid, int n, double x, double y) {
        int x0 = Math.min((int) x, n - 2);
        int y0 = Math.min((int) y, n - 2);
        double fx = x - x0;
        double fy = y - y0;
        double top = grid[y0 * n + x0] * (1 - fx) + grid[y0 * n + x0 + 1] * fx;
        double bottom = grid[(y0 + 1) * n + x0] * (1 - fx) + grid[(y0 + 1) * n + x0 + 1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /** HSV (all in [0,1], hue wrapping) to RGB. */
    static float[] hsv(double hue, double saturation, double value) {
        double h = (hue % 1 + 1) % 1 * 6;
        int sector = (int) h;
        double f = h - sector;
        double p = value * (1 - saturation);
        double q = value * (1 - saturation * f);
        double t = value * (1 - saturation * (1 - f));
        double[] rgb = switch (sector) {
            case 0 -> new double[] {value, t, p};
            case 1 -> new double[] {q, value, p};
            case 2 -> new double[] {p, value, t};
            case 3 -> new double[] {p, q, value};
            case 4 -> new double[] {t, p, value};
            default -> new double[] {value, p, q};
        };
        return new float[] {(float) rgb[0], (float) rgb[1], (float) rgb[2]};
    }
}
