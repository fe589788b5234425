package e2kd.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.ops.Autograd;
import java.util.Collection;

/** Checks on accumulated parameter gradients. */
public final class Gradients {
    private Gradients() {}

    /** Whether every gradient entry is finite: one reduction (Σ of all entries; NaN/±Inf anywhere makes it non-finite). */
    public static boolean allFinite(Collection<NDArray> parameters, NDManager scope) {
        return Autograd.noGrad(() -> {
            NDArray sum = null;
            for (NDArray p : parameters) {
                try (NDArray g = p.getGradient()) {
                    NDArray s = g.sum();
                    s.attach(scope);
                    sum = sum == null ? s : sum.add(s);
                }
            }
            return sum == null
                    || Double.isFinite(sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .getDouble());
        });
    }
}
