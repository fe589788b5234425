package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.Needs;
import java.util.List;
import java.util.Set;

/**
 * {@code at}: attention transfer (Zagoruyko &amp; Komodakis 2017). The attention map of a feature F (B, C, h, w) is
 * a(F) = normalize(flatten(mean_c |F|^p)) per sample (L2, ε = 1e-12); the loss sums, over the stage pairs, the mean
 * squared difference of student and teacher maps, the larger map first average-pooled to the smaller's size (as
 * mdistiller does). Parameters: {@code p} (default 2), {@code stages} (default layer1..layer4, the stage outputs
 * after their ReLU); default weight 1000 (mdistiller's and torchdistill's).
 */
public final class AtCriterion implements Criterion {
    public static final CriterionFactory FACTORY = CriterionFactory.of(
            "at",
            1000,
            (spec, context) -> new AtCriterion(
                    spec.number("p", 2), spec.names("stages", List.of("layer1", "layer2", "layer3", "layer4"))));
    private final double p;
    private final List<String> stages;

    public AtCriterion(double p, List<String> stages) {
        if (!(p > 0) || stages.isEmpty()) {
            throw new IllegalArgumentException(
                    "loss term at: p=" + p + " must be positive and stages " + stages + " not empty");
        }
        this.p = p;
        this.stages = List.copyOf(stages);
    }

    @Override
    public Needs needs() {
        return Needs.features(Set.copyOf(stages), Set.copyOf(stages));
    }

    @Override
    public NDArray compute(CriterionInput in) {
        NDArray total = null;
        for (String stage : stages) {
            NDArray s = in.student().feature(stage);
            NDArray t = in.teacher().feature(stage);
            long side = Math.min(s.getShape().get(2), t.getShape().get(2));
            NDArray term = FeatureMaps.mse(
                    attention(FeatureMaps.adaptiveAvgPool(s, side, side)),
                    attention(FeatureMaps.adaptiveAvgPool(t, side, side)));
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /** (B, C, h, w) → (B, h·w): mean over channels of |F|^p, flattened, L2-normalised per sample. */
    NDArray attention(NDArray feature) {
        NDArray powered = p == 2 ? feature.square() : feature.abs().pow(p);
        return FeatureMaps.l2Normalize(
                powered.mean(new int[] {1}).reshape(feature.getShape().get(0), -1), 1);
    }
}
