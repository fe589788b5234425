package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Module;
import java.util.Optional;
import java.util.Set;

/**
 * A criterion that exists only in the tests, registered by one line in
 * {@code META-INF/services/e2kd.distill.CriterionFactory}: (s·mean(S_f) − mean(T_f))² for the student's and the
 * teacher's feature {@code f} (parameter {@code feature}, default layer3), s a trainable scalar starting at 1.
 */
public final class LayerProbeCriterion implements Criterion {
    private final String feature;
    private final Scale scale;

    LayerProbeCriterion(String feature, ai.djl.ndarray.NDManager manager) {
        this.feature = feature;
        this.scale = new Scale(manager.create(new float[] {1f}));
    }

    /** The trainable part: one parameter, {@code scale}. */
    static final class Scale extends Module {
        Scale(NDArray initial) {
            parameter("scale", initial);
        }

        NDArray value() {
            return param("scale");
        }
    }

    /** The factory ServiceLoader finds. */
    public static final class Factory implements CriterionFactory {
        @Override
        public String name() {
            return "layer_probe";
        }

        @Override
        public Criterion create(CriterionSpec spec, CriterionContext context) {
            return new LayerProbeCriterion(
                    spec.names("feature", java.util.List.of("layer3")).get(0), context.manager());
        }
    }

    @Override
    public Needs needs() {
        return Needs.features(Set.of(feature), Set.of(feature));
    }

    @Override
    public NDArray compute(CriterionInput in) {
        NDArray student = in.student()
                .feature(feature)
                .mean()
                .mul(scale.value().toType(in.student().logits().getDataType(), false));
        return student.sub(in.teacher().feature(feature).mean()).square().sum();
    }

    @Override
    public Optional<Module> module() {
        return Optional.of(scale);
    }
}
