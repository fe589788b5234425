package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** A classifier built by {@code Models}: logits (B, numClasses) from images (B, inChannels, H, W). */
public abstract class Model extends Module {
    private final ModelSpec spec;

    protected Model(ModelSpec spec) {
        this.spec = spec;
    }

    public final ModelSpec spec() {
        return spec;
    }

    @Override
    String describe() {
        return spec.id() + " ("
                + String.join(
                        ",",
                        spec.options().asMap().entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .toList())
                + ")";
    }

    /** Logits, (B, numClasses). */
    public final NDArray forward(NDArray x) {
        return forward(x, Taps.none());
    }

    /** Logits, (B, numClasses), with {@code taps} called at every named point of {@link #tapNames()}. */
    public abstract NDArray forward(NDArray x, Taps taps);

    /**
     * The named points of the forward a {@link Taps} may name: stage outputs, pre-activations where they exist
     * ({@code layerN.pre}), the pooled feature ({@code pool}, (B, K)) and the class maps ({@code cam}, (B, C, h, w)).
     */
    public abstract List<String> tapNames();

    /** The smallest input side the architecture accepts. */
    public final int minimumInputSize() {
        return spec.options().minimumInputSize();
    }

    /** Fails with a one-line message when {@code x} is not (B, inChannels, H, W) with H, W ≥ the total stride. */
    public final void checkInput(NDArray x) {
        Shape s = x.getShape();
        int channels = spec.options().inChannels();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException(
                    "model " + spec.id() + " expects input (B, " + channels + ", H, W), got shape " + s);
        }
        if (s.get(1) != channels) {
            throw new IllegalArgumentException(
                    "input has " + s.get(1) + " channels, model " + spec.id() + " expects " + channels);
        }
        int min = minimumInputSize();
        if (s.get(2) < min || s.get(3) < min) {
            throw new IllegalArgumentException("input is " + s.get(2) + "x" + s.get(3) + " px, model " + spec.id()
                    + " (" + spec.options().asMap() + ") needs at least " + min + "x" + min);
        }
    }
}
