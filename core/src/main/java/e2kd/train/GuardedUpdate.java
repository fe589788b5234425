package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Autograd;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Gradients;
import e2kd.train.optim.Optimizer;
import java.util.Map;

/**
 * Backward, then clip and update, unless the loss or a gradient is not finite: such a step is skipped (gradients
 * reset, parameters untouched) so one bad batch cannot poison the model.
 */
final class GuardedUpdate {
    private final Map<String, NDArray> parameters;
    private final Optimizer optimizer;
    private final GradientClipping clipping;

    GuardedUpdate(Map<String, NDArray> parameters, Optimizer optimizer, GradientClipping clipping) {
        this.parameters = parameters;
        this.optimizer = optimizer;
        this.clipping = clipping;
    }

    /** @return whether the update was applied */
    boolean apply(NDArray loss, double lr) {
        Autograd.zeroGradients(parameters.values());
        Autograd.backward(loss, false);
        boolean finite = Double.isFinite(e2kd.distill.LossParts.value(loss))
                && Gradients.allFinite(parameters.values(), loss.getManager());
        if (!finite) {
            Autograd.zeroGradients(parameters.values());
            return false;
        }
        Autograd.noGrad(() -> {
            clipping.apply(parameters);
            optimizer.step(parameters, lr);
            return null;
        });
        return true;
    }
}
