package e2kd.render;

/**
 * A picture to look at: {@code channels} = 3 (RGB) or 4 (RGBA) values in [0, 1] per pixel, stored HWC row-major
 * (pixel (y, x), channel c at {@code (y*width + x)*channels + c}).
 */
public record Picture(int height, int width, int channels, float[] hwc) {
    public Picture {
        if (channels != 3 && channels != 4) {
            throw new IllegalArgumentException("a picture has 3 (RGB) or 4 (RGBA) channels, got " + channels);
        }
        if ((long) height * width * channels != hwc.length || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "picture " + height + "x" + width + "x" + channels + " does not fit " + hwc.length + " values");
        }
    }

    /** An RGB picture from a CHW image (3, H, W) with values in [0, 1]. */
    public static Picture fromChw(float[] chw, int height, int width) {
        int plane = height * width;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException(
                    "expected a (3, " + height + ", " + width + ") image, got " + chw.length + " values");
        }
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                out[3 * i + c] = chw[c * plane + i];
            }
        }
        return new Picture(height, width, 3, out);
    }

    /** The 8-bit value of pixel (y, x), channel c: round(255 · v), v clipped to [0, 1]. */
    public int byteAt(int y, int x, int c) {
        float v = hwc[(y * width + x) * channels + c];
        return Math.round(255f * Math.max(0f, Math.min(1f, v)));
    }
}
