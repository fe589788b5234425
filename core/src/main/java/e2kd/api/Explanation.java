package e2kd.api;

import ai.djl.ndarray.NDArray;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.io.NpyWriter;
import e2kd.io.TensorData;
import e2kd.render.Pictures;
import e2kd.render.Png;
import java.nio.file.Path;
import java.util.Locale;

/** One image's explanation: the class explained, its logit, the map, and how to save it. */
public final class Explanation {
    private final Explainer explainer;
    private final NDArray input;
    private final Explained explained;
    private final float[] rgb;

    Explanation(Explainer explainer, NDArray input, Explained explained, float[] rgb) {
        this.explainer = explainer;
        this.input = input;
        this.explained = explained;
        this.rgb = rgb;
    }

    /** The class explained. */
    public int explainedClass() {
        return (int) explained.classes().getLong(0);
    }

    /** That class's logit. */
    public double logit() {
        return explained
                .logits()
                .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .getDouble(0, explainedClass());
    }

    /** The raw map: (C_in, H, W) for W(x), (H, W) for GradCAM. */
    public float[] map() {
        return explained.map().get(0).toFloatArray();
    }

    /** The explainer's name ({@code bcos}, {@code gradcam}, …). */
    public String explainer() {
        return explainer.name();
    }

    /**
     * Writes {@code out}: a {@code .png} picture (W(x) as B-cos-v2 draws it; GradCAM over the image) or a {@code .npy}
     * raw float32 map.
     */
    public void save(Path out) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) {
            Png.write(out, Pictures.of(explainer, input, explained, 0, rgb));
        } else if (name.endsWith(".npy")) {
            NDArray map = explained.map().get(0);
            NpyWriter.write(TensorData.ofFloats(map.getShape().getShape(), map.toFloatArray()), out);
        } else {
            throw new IllegalArgumentException("output " + out + " must end in .png or .npy");
        }
    }
}
