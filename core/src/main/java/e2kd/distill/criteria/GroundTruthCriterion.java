package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.Needs;
import e2kd.nn.GroundTruthLoss;

/**
 * {@code ground_truth}: the student's label loss, the {@link GroundTruthLoss} its family and the data's labelling
 * give (CE, B-cos BCE, or multi-label BCE).
 */
public final class GroundTruthCriterion implements Criterion {
    public static final CriterionFactory FACTORY = CriterionFactory.of(
            "ground_truth",
            (spec, context) -> new GroundTruthCriterion(
                    context.labelling().groundTruthLoss(context.student().spec().family())));
    private final GroundTruthLoss loss;

    public GroundTruthCriterion(GroundTruthLoss loss) {
        this.loss = loss;
    }

    @Override
    public Needs needs() {
        return Needs.LABELS;
    }

    @Override
    public NDArray compute(CriterionInput in) {
        return loss.of(in.student().logits(), in.labels(), in.targets());
    }
}
