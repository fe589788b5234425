package e2kd.nn.bcos;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.layers.LayerNorm;

/**
 * LayerNorm without bias over the last axis, as the authors' B-cos ViTs use it ({@code NoBias(DetachableLayerNorm)},
 * ε = 1e-5): y = (x − mean(x)) · γ / σ, σ = sqrt(biased var + ε). Centring is linear; the dynamic factor is 1/σ
 * per token (recorded as σ), γ a parameter. Key {@code weight}. Transpose: Jᵀg = centre(g ⊙ γ / σ).
 */
public final class BcosLayerNorm extends Module implements DynamicLinear {

    public BcosLayerNorm(NDManager manager, int dim) {
        parameter("weight", manager.ones(new Shape(dim)));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray centred = LayerNorm.centre(x);
        NDArray std = LayerNorm.std(centred);
        if (trace != null) {
            trace.record(this, new Trace.Entry(std, null, 0, 0));
        }
        return centred.div(std).mul(param("weight"));
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        return LayerNorm.centre(g.mul(param("weight")).div(trace.of(this).factor()));
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        return LayerNorm.centre(v).div(trace.of(this).factor()).mul(param("weight"));
    }
}
