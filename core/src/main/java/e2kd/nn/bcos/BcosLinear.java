package e2kd.nn.bcos;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.layers.Linear;
import e2kd.nn.ops.Scopes;

/**
 * B-cos linear layer, B = 2, no bias (B-cos-v2 {@code BcosLinear}, max_out 1); key {@code linear.weight} (O, I).
 *
 * <pre>
 *   ŵ = w / ‖w‖ (per row)     o = x·ŵᵀ     ‖x‖ = sqrt(Σ_i x_i²) + 1e-12 (per token)
 *   out = s ⊙ o   with the dynamic factor s = |o| / ‖x‖
 * </pre>
 * Shapes: x (…, I) → (…, O). Transpose: Jᵀg = (s ⊙ g)·ŵ.
 */
public final class BcosLinear extends Module implements DynamicLinear {
    private static final double NORM_EPS = 1e-12;
    private final Linear linear;

    public BcosLinear(NDManager manager, int in, int out) {
        this.linear = child("linear", new Linear(manager, in, out, false));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray w = linear.weight();
        NDArray unit = Scopes.owned(x, w.div(w.norm(new int[] {1}, true)));
        NDArray o = x.matMul(unit.transpose());
        NDArray scale = o.abs().div(x.norm(new int[] {-1}, true).add(NORM_EPS));
        if (trace != null) {
            trace.record(this, new Trace.Entry(scale, unit, 0, 0));
        }
        return scale.mul(o);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        Trace.Entry e = trace.of(this);
        return g.mul(e.factor()).matMul(e.weight());
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        Trace.Entry e = trace.of(this);
        return e.factor().mul(v.matMul(e.weight().transpose()));
    }
}
