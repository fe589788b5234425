package e2kd.data;

/** B-cos input encoding {@code (3,H,W) -> (6,H,W)}: {@code [r,g,b,1-r,1-g,1-b]}. */
public final class BcosEncoding implements Encoding {
    @Override
    public int channels() {
        return 6;
    }

    @Override
    public Image encode(Image rgb) {
        requireRgb(rgb);
        float[] in = rgb.data();
        float[] out = new float[2 * in.length];
        System.arraycopy(in, 0, out, 0, in.length);
        for (int i = 0; i < in.length; i++) {
            out[in.length + i] = 1f - in[i];
        }
        return new Image(6, rgb.height(), rgb.width(), out);
    }

    static void requireRgb(Image rgb) {
        if (rgb.channels() != 3) {
            throw new IllegalArgumentException("encoding expects a (3,H,W) image, got " + rgb.shape());
        }
    }
}
