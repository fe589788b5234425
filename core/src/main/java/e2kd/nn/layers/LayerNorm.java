package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Layer;
import e2kd.nn.Module;

/**
 * {@code nn.LayerNorm(dim)} over the last axis (ε = 1e-5, biased variance): y = (x − mean) / σ · γ + β. Keys
 * {@code weight}, {@code bias}.
 */
public final class LayerNorm extends Module implements Layer {
    private static final double EPS = 1e-5;

    public LayerNorm(NDManager manager, int dim) {
        parameter("weight", manager.ones(new Shape(dim)));
        parameter("bias", manager.zeros(new Shape(dim)));
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray centred = centre(x);
        return centred.div(std(centred)).mul(param("weight")).add(param("bias"));
    }

    /**
     * Jᵀg at x, the gradient the input receives for an output gradient g:
     * (γg − mean(γg) − x̂ · mean(γg ⊙ x̂)) / σ with x̂ = (x − mean) / σ.
     */
    public NDArray inputGradient(NDArray x, NDArray g) {
        NDArray centred = centre(x);
        NDArray std = std(centred);
        NDArray normed = centred.div(std);
        NDArray scaled = g.mul(param("weight"));
        NDArray projection = normed.mul(scaled.mul(normed).mean(new int[] {-1}, true));
        return centre(scaled).sub(projection).div(std);
    }

    /** x − mean over the last axis (its own transpose). */
    public static NDArray centre(NDArray x) {
        return x.sub(x.mean(new int[] {-1}, true));
    }

    /** sqrt(mean(c²) + ε) over the last axis of centred values c, keeping that axis. */
    public static NDArray std(NDArray centred) {
        return centred.square().mean(new int[] {-1}, true).add(EPS).sqrt();
    }
}
