package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.GroundTruthLoss;
import e2kd.nn.Autograd;
import e2kd.nn.Model;


/**
 * One step of training from labels (teacher or baseline student): L = L_gt(model(x), y), backward, clipping,
 * optimizer update. The loss is cross-entropy for standard models and uniform-off-label BCE for B-cos ones.
 */
public final class LabelStep implements Step {
    private final Model model;
    private final GroundTruthLoss loss;
    private final GuardedUpdate update;

    public LabelStep(Model model, GroundTruthLoss loss, Optimizer optimizer, GradientClipping clipping) {
        this.model = model;
        this.loss = loss;
        this.update = new GuardedUpdate(model.parameters(), optimizer, clipping);
    }

    @Override
    public StepResult run(NDArray x, NDArray labels, long step, double lr) {
        NDArray total = Autograd.recording(() -> loss.of(model.forward(x), labels));
        boolean applied = update.apply(total, lr);
        double value = e2kd.distill.LossParts.value(total);
        return new StepResult(value, Double.NaN, Double.NaN, value, !applied);
    }
}
