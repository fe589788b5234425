package e2kd.data;

/**
 * Pixel-level operations on {@link Image} maps of any channel count; each returns a new map.
 *
 * <p>Resizing is hand-written because the JDK's {@code java.awt} scaling works on 8-bit
 * {@code BufferedImage}s, not on float maps with arbitrary channel counts.
 */
public final class ImageOps {
    private ImageOps() {}

    /**
     * The window of rows {@code [top, top+height)} and columns {@code [left, left+width)}.
     *
     * @param src map {@code (C,H,W)}
     * @return map {@code (C,height,width)}
     * @throws IllegalArgumentException if the window is empty or leaves the map
     */
    public static Image crop(Image src, int top, int left, int height, int width) {
        if (height <= 0
                || width <= 0
                || top < 0
                || left < 0
                || top + height > src.height()
                || left + width > src.width()) {
            throw new IllegalArgumentException("crop box top=" + top + " left=" + left + " height=" + height + " width="
                    + width + " does not fit inside " + src.shape());
        }
        int c = src.channels();
        float[] in = src.data();
        float[] out = new float[c * height * width];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(
                        in, (ch * src.height() + top + y) * src.width() + left, out, (ch * height + y) * width, width);
            }
        }
        return new Image(c, height, width, out);
    }

    /** Mirrors left-right: {@code out(c,y,x) = src(c,y,W-1-x)}; shape unchanged. */
    public static Image flipHorizontal(Image src) {
        int w = src.width();
        float[] in = src.data();
        float[] out = new float[in.length];
        for (int row = 0; row < in.length; row += w) {
            for (int x = 0; x < w; x++) {
                out[row + x] = in[row + w - 1 - x];
            }
        }
        return new Image(src.channels(), src.height(), w, out);
    }

    /**
     * Bilinear resize to {@code (C,outHeight,outWidth)}, matching PyTorch's {@code
     * interpolate(mode="bilinear", align_corners=False, antialias=False)}: output pixel {@code d}
     * samples source coordinate {@code max(0, (d+0.5)*in/out - 0.5)}, interpolating between the two
     * neighbouring pixels (the last pixel is repeated at the far edge). No antialiasing, so strong
     * downscaling aliases exactly as torchvision's tensor path with {@code antialias=False} does; the
     * data pipeline resizes with {@link #resize}.
     */
    public static Image resizeBilinear(Image src, int outHeight, int outWidth) {
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("resize target " + outHeight + "x" + outWidth + " must be positive");
        }
        if (outHeight == src.height() && outWidth == src.width()) {
            return src;
        }
        Axis rows = new Axis(src.height(), outHeight);
        Axis cols = new Axis(src.width(), outWidth);
        int c = src.channels();
        int inW = src.width();
        float[] in = src.data();
        float[] out = new float[c * outHeight * outWidth];
        for (int ch = 0; ch < c; ch++) {
            int plane = ch * src.height();
            for (int y = 0; y < outHeight; y++) {
                int r0 = (plane + rows.lo[y]) * inW;
                int r1 = (plane + rows.hi[y]) * inW;
                float wy = rows.frac[y];
                int o = (ch * outHeight + y) * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    int x0 = cols.lo[x];
                    int x1 = cols.hi[x];
                    float wx = cols.frac[x];
                    float top = in[r0 + x0] + wx * (in[r0 + x1] - in[r0 + x0]);
                    float bottom = in[r1 + x0] + wx * (in[r1 + x1] - in[r1 + x0]);
                    out[o + x] = top + wy * (bottom - top);
                }
            }
        }
        return new Image(c, outHeight, outWidth, out);
    }

    /**
     * Antialiased bilinear resize to {@code (C,outHeight,outWidth)}, as torchvision resizes a PIL image
     * ({@code Image.resize(size, BILINEAR)}, no {@code reducing_gap}): PIL's separable resampling,
     * columns first, then rows. Along an axis scaled by {@code s = in/out}, output pixel {@code d} is
     * the normalised triangle-filter average of the source pixels {@code i} in
     * {@code [trunc(c - r + 0.5), trunc(c + r + 0.5))}, with centre {@code c = (d+0.5)*s}, radius
     * {@code r = max(s, 1)} and weight {@code max(0, 1 - |i - c + 0.5| / max(s, 1))}. When neither
     * axis shrinks this is the plain bilinear interpolation, so that case goes through {@link
     * #resizeBilinear} and stays bit for bit what it was. PIL rounds 8-bit images to integers after
     * each pass; this works in floats, so results differ from PIL's 8-bit output by at most one level.
     */
    public static Image resize(Image src, int outHeight, int outWidth) {
        if (outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("resize target " + outHeight + "x" + outWidth + " must be positive");
        }
        if (outHeight >= src.height() && outWidth >= src.width()) {
            return resizeBilinear(src, outHeight, outWidth);
        }
        int c = src.channels();
        int inH = src.height();
        int inW = src.width();
        float[] in = src.data();
        if (outWidth != inW) {
            Filter cols = new Filter(inW, outWidth);
            float[] out = new float[c * inH * outWidth];
            for (int row = 0; row < c * inH; row++) {
                int base = row * inW;
                for (int x = 0; x < outWidth; x++) {
                    double sum = 0;
                    int first = cols.first[x];
                    double[] k = cols.weights[x];
                    for (int j = 0; j < k.length; j++) {
                        sum += k[j] * in[base + first + j];
                    }
                    out[row * outWidth + x] = (float) sum;
                }
            }
            in = out;
            inW = outWidth;
        }
        if (outHeight != inH) {
            Filter rows = new Filter(inH, outHeight);
            float[] out = new float[c * outHeight * inW];
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < outHeight; y++) {
                    int first = rows.first[y];
                    double[] k = rows.weights[y];
                    int o = (ch * outHeight + y) * inW;
                    for (int x = 0; x < inW; x++) {
                        double sum = 0;
                        for (int j = 0; j < k.length; j++) {
                            sum += k[j] * in[(ch * inH + first + j) * inW + x];
                        }
                        out[o + x] = (float) sum;
                    }
                }
            }
            in = out;
        }
        return new Image(c, outHeight, outWidth, in);
    }

    /** PIL's bilinear resampling coefficients along one axis (its {@code precompute_coeffs}). */
    private static final class Filter {
        final int[] first;
        final double[][] weights;

        Filter(int in, int out) {
            first = new int[out];
            weights = new double[out][];
            double scale = (double) in / out;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale;
            for (int d = 0; d < out; d++) {
                double centre = (d + 0.5) * scale;
                int lo = Math.max((int) (centre - support + 0.5), 0);
                int hi = Math.min((int) (centre + support + 0.5), in);
                double[] k = new double[hi - lo];
                double total = 0;
                for (int j = 0; j < k.length; j++) {
                    k[j] = Math.max(0.0, 1.0 - Math.abs((j + lo - centre + 0.5) / filterScale));
                    total += k[j];
                }
                for (int j = 0; j < k.length && total != 0; j++) {
                    k[j] /= total;
                }
                first[d] = lo;
                weights[d] = k;
            }
        }
    }

    /** Per output index along one axis: the two source neighbours and the weight of the upper. */
    private static final class Axis {
        final int[] lo;
        final int[] hi;
        final float[] frac;

        Axis(int in, int out) {
            lo = new int[out];
            hi = new int[out];
            frac = new float[out];
            double scale = (double) in / out;
            for (int d = 0; d < out; d++) {
                double s = Math.max(0.0, (d + 0.5) * scale - 0.5);
                int i0 = Math.min((int) s, in - 1);
                lo[d] = i0;
                hi[d] = Math.min(i0 + 1, in - 1);
                frac[d] = (float) (s - i0);
            }
        }
    }
}
