package e2kd.data;

/** Per-channel normalisation {@code (3,H,W) -> (3,H,W)}: {@code (x - mean[c]) / std[c]}. */
public final class MeanStdEncoding implements Encoding {
    private final float[] mean;
    private final float[] std;

    /**
     * @throws IllegalArgumentException unless both have 3 entries and every std is positive
     */
    public MeanStdEncoding(float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException(
                    "mean and std need 3 entries (R,G,B), got " + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std entries must be positive, got " + s);
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public Image encode(Image rgb) {
        BcosEncoding.requireRgb(rgb);
        float[] in = rgb.data();
        float[] out = new float[in.length];
        int plane = rgb.height() * rgb.width();
        for (int c = 0; c < 3; c++) {
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                out[i] = (in[i] - mean[c]) / std[c];
            }
        }
        return new Image(3, rgb.height(), rgb.width(), out);
    }
}
