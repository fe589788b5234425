package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.Needs;

/** {@code kd}: Hinton's logit term τ²·KL(p_T ‖ p_S) at temperature {@code tau} (required), {@link KdLoss}. */
public final class KdCriterion implements Criterion {
    public static final CriterionFactory FACTORY =
            CriterionFactory.of("kd", (spec, context) -> new KdCriterion(spec.number("tau", Double.NaN)));
    private final double tau;

    public KdCriterion(double tau) {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("loss term kd: tau=" + tau + " must be positive");
        }
        this.tau = tau;
    }

    @Override
    public Needs needs() {
        return Needs.TEACHER;
    }

    @Override
    public NDArray compute(CriterionInput in) {
        return KdLoss.of(in.teacher().logits(), in.student().logits(), tau);
    }
}
