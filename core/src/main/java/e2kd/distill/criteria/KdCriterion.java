package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.Needs;

/**
 * Hinton's logit term at temperature {@code tau} (required), in two forms: {@code kd}, τ²·KL(p_T ‖ p_S) of the
 * softmax ({@link KdLoss}, METHOD.md §1), and {@code sigmoid_kd}, τ²·Σ_c binary KL of the per-class sigmoids
 * ({@link SigmoidKdLoss}, §7), which methods kd and e2kd mean on multi-label data.
 */
public final class KdCriterion implements Criterion {
    /** A distance between teacher and student logits (B, C) at temperature τ, as a scalar. */
    @FunctionalInterface
    interface LogitLoss {
        NDArray of(NDArray teacherLogits, NDArray studentLogits, double tau);
    }

    public static final CriterionFactory FACTORY = factory("kd", KdLoss::of);
    public static final CriterionFactory SIGMOID = factory("sigmoid_kd", SigmoidKdLoss::of);

    private final double tau;
    private final LogitLoss loss;

    private KdCriterion(String name, double tau, LogitLoss loss) {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("loss term " + name + ": tau=" + tau + " must be positive");
        }
        this.tau = tau;
        this.loss = loss;
    }

    private static CriterionFactory factory(String name, LogitLoss loss) {
        return CriterionFactory.of(
                name, (spec, context) -> new KdCriterion(name, spec.number("tau", Double.NaN), loss));
    }

    @Override
    public Needs needs() {
        return Needs.TEACHER;
    }

    @Override
    public NDArray compute(CriterionInput in) {
        return loss.of(in.teacher().logits(), in.student().logits(), tau);
    }
}
