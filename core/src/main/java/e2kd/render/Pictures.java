package e2kd.render;

import ai.djl.ndarray.NDArray;
import e2kd.explain.Contributions;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;

/**
 * The picture of one explained sample: B-cos W(x) as {@link BcosColourImage} (RGBA); any other explainer as a
 * {@link CamOverlay} of its contribution map ({@link Contributions}) over the input's RGB pixels.
 */
public final class Pictures {
    private Pictures() {}

    /**
     * @param explainer the explainer that produced {@code e}
     * @param x         the encoded input it explained, (B, C_in, H, W)
     * @param e         its explanation
     * @param sample    which sample of the batch
     * @param rgb       that sample's RGB pixels before encoding, (3, H, W) in [0, 1], CHW
     */
    public static Picture of(Explainer explainer, NDArray x, Explained e, int sample, float[] rgb) {
        int height = (int) x.getShape().get(2);
        int width = (int) x.getShape().get(3);
        if (explainer.name().startsWith("bcos")) {
            return BcosColourImage.render(
                    x.get(sample).toFloatArray(), e.map().get(sample).toFloatArray(), height, width);
        }
        float[] cam = Contributions.of(explainer, e, x).get(sample).toFloatArray();
        return CamOverlay.render(rgb, cam, height, width);
    }
}
