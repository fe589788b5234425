package e2kd.explain;

import ai.djl.ndarray.NDArray;

/**
 * Per-pixel contribution maps (B, H, W) from an explanation, as used for pictures and for the energy pointing game:
 * for B-cos W(x) the contribution map Σ_channels W(x) ⊙ x (B-cos-v2's {@code contribution_map}); for Input×Gradient
 * Σ_channels of the map (already x ⊙ ∂y/∂x); for GradCAM the map itself.
 */
public final class Contributions {
    private Contributions() {}

    /**
     * @param explainer the explainer that produced {@code e}
     * @param e         its output; map (B, C_in, H, W) or (B, H, W) for GradCAM
     * @param x         the input it explained, (B, C_in, H, W)
     * @return (B, H, W)
     */
    public static NDArray of(Explainer explainer, Explained e, NDArray x) {
        return switch (explainer.name()) {
            case "bcos", "bcos-autograd" -> e.map().mul(x).sum(new int[] {1});
            case "ixg" -> e.map().sum(new int[] {1});
            default -> {
                if (e.map().getShape().dimension() != 3) {
                    throw new IllegalArgumentException("explainer " + explainer.name() + " map has shape "
                            + e.map().getShape() + "; expected a (B, H, W) heat map");
                }
                yield e.map();
            }
        };
    }
}
