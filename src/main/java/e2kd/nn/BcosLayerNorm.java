package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * LayerNorm without bias over the last axis, as the authors' B-cos ViTs use it ({@code NoBias(DetachableLayerNorm)},
 * ε = 1e-5): y = (x − mean(x)) · γ / σ, σ = sqrt(biased var + ε). Centring is linear; the dynamic factor is 1/σ
 * per token (recorded as σ), γ a parameter. Key {@code weight}. Transpose: Jᵀg = centre(g ⊙ γ / σ).
 */
public final class BcosLayerNorm extends Module implements DynamicLinear {
    private static final double EPS = 1e-5;

    public BcosLayerNorm(NDManager manager, int dim) {
        parameter("weight", manager.ones(new Shape(dim)));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray centred = centre(x);
        NDArray std = std(centred);
        if (trace != null) {
            trace.record(this, new Trace.Entry(std, null, 0, 0));
        }
        return centred.div(std).mul(param("weight"));
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        return centre(g.mul(param("weight")).div(trace.of(this).factor()));
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        return centre(v).div(trace.of(this).factor()).mul(param("weight"));
    }

    /** x − mean over the last axis (its own transpose). */
    static NDArray centre(NDArray x) {
        return x.sub(x.mean(new int[] {-1}, true));
    }

    /** sqrt(mean(c²) + ε) over the last axis of centred values c, keeping that axis. */
    static NDArray std(NDArray centred) {
        return centred.square().mean(new int[] {-1}, true).add(EPS).sqrt();
    }
}
