package e2kd.data;

/**
 * Turns an augmented RGB image {@code (3,H,W)} in [0,1] into the model's input {@code
 * (channels(),H,W)}; which one depends on the model family.
 */
public interface Encoding {
    /** ImageNet channel means (R,G,B). */
    float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    /** ImageNet channel standard deviations (R,G,B). */
    float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** Number of output channels. */
    int channels();

    /** Encodes {@code rgb} {@code (3,H,W)} into {@code (channels(),H,W)}. */
    Image encode(Image rgb);

    /** Raw RGB in [0,1], unchanged. */
    static Encoding rgb() {
        return new MeanStdEncoding(new float[] {0, 0, 0}, new float[] {1, 1, 1});
    }

    /** B-cos networks: 6 channels {@code [r,g,b,1-r,1-g,1-b]}, no mean/std. */
    static Encoding bcos() {
        return new BcosEncoding();
    }

    /** Standard networks: {@code (x - mean[c]) / std[c]} with the ImageNet statistics. */
    static Encoding imagenet() {
        return new MeanStdEncoding(IMAGENET_MEAN, IMAGENET_STD);
    }

    /** Standard networks: {@code (x - mean[c]) / std[c]} with the given per-channel statistics. */
    static Encoding meanStd(float[] mean, float[] std) {
        return new MeanStdEncoding(mean, std);
    }
}
