package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@code nn.LayerNorm(dim)} over the last axis (ε = 1e-5, biased variance): y = (x − mean) / σ · γ + β. Keys
 * {@code weight}, {@code bias}.
 */
public final class LayerNorm extends Module implements Layer {

    public LayerNorm(NDManager manager, int dim) {
        parameter("weight", manager.ones(new Shape(dim)));
        parameter("bias", manager.zeros(new Shape(dim)));
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray centred = BcosLayerNorm.centre(x);
        return centred.div(BcosLayerNorm.std(centred)).mul(param("weight")).add(param("bias"));
    }

    /**
     * Jᵀg at x, the gradient the input receives for an output gradient g:
     * (γg − mean(γg) − x̂ · mean(γg ⊙ x̂)) / σ with x̂ = (x − mean) / σ.
     */
    public NDArray inputGradient(NDArray x, NDArray g) {
        NDArray centred = BcosLayerNorm.centre(x);
        NDArray std = BcosLayerNorm.std(centred);
        NDArray normed = centred.div(std);
        NDArray scaled = g.mul(param("weight"));
        NDArray projection = normed.mul(scaled.mul(normed).mean(new int[] {-1}, true));
        return BcosLayerNorm.centre(scaled).sub(projection).div(std);
    }
}
