package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Autograd;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Gradients;
import e2kd.train.optim.Optimizer;
import java.util.Map;

/**
 * Backward, then clip and update, unless the loss or a gradient is not finite: such a step is skipped (parameters
 * untouched) so one bad batch cannot poison the model. The parameters come without gradients (fresh leaves, {@link
 * DistillStep}), so backward gives each exactly this step's gradient and nothing needs resetting.
 */
final class GuardedUpdate {
    private final Optimizer optimizer;
    private final GradientClipping clipping;

    GuardedUpdate(Optimizer optimizer, GradientClipping clipping) {
        this.optimizer = optimizer;
        this.clipping = clipping;
    }

    /**
     * Backpropagates {@code loss} into {@code parameters} (the arrays the loss was computed with, by optimizer-state
     * name) and updates them.
     *
     * @return whether the update was applied
     */
    boolean apply(Map<String, NDArray> parameters, NDArray loss, double lr) {
        Autograd.backward(loss, false);
        boolean finite = Double.isFinite(e2kd.distill.LossParts.value(loss))
                && Gradients.allFinite(parameters.values(), loss.getManager());
        if (!finite) {
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
