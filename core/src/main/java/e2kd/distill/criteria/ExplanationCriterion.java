package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.Needs;

/**
 * {@code explanation}: e²KD's term 1 − cos(E_T, E_S) for the teacher's top-1 class ({@link ExplanationLoss}),
 * applied on every {@code every}-th step only (default 1; the authors' guided_step_interval).
 */
public final class ExplanationCriterion implements Criterion {
    public static final CriterionFactory FACTORY =
            CriterionFactory.of("explanation", (spec, context) -> new ExplanationCriterion(spec.integer("every", 1)));
    private final int every;

    public ExplanationCriterion(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("loss term explanation: every=" + every + " must be at least 1");
        }
        this.every = every;
    }

    @Override
    public Needs needs() {
        return Needs.EXPLANATIONS;
    }

    @Override
    public boolean activeAt(long step) {
        return step % every == 0;
    }

    @Override
    public NDArray compute(CriterionInput in) {
        return ExplanationLoss.of(in.teacher().map(), in.student().map());
    }
}
