package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Criterion;
import e2kd.distill.CriterionContext;
import e2kd.distill.CriterionFactory;
import e2kd.distill.CriterionInput;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Needs;
import e2kd.nn.Model;
import e2kd.nn.Module;
import e2kd.nn.ops.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code reviewkd}: knowledge review (Chen et al. 2021) as mdistiller's ImageNet recipe runs it. Five levels per
 * network: the four stages' pre-activation features ({@link FeatureProbe#stage}) and the pooled feature as a 1×1
 * map. The student's levels go through the {@link ReviewKdConnectors} from the deepest to the shallowest and are
 * compared with the teacher's by the {@link HierarchicalContextLoss}; the term is scaled by the warm-up factor
 * min(epoch / warmup_epochs, 1) of the 1-based epoch (mdistiller's trainer counts epochs from 1, so with its ImageNet
 * value warmup_epochs = 1 the term is at full weight from the first step). Parameters: {@code warmup_epochs}
 * (default 1), {@code max_mid_channels} (default 512).
 */
public final class ReviewKdCriterion implements Criterion {
    public static final CriterionFactory FACTORY = CriterionFactory.of("reviewkd", ReviewKdCriterion::create);
    private final List<String> studentLevels;
    private final List<String> teacherLevels;
    private final ReviewKdConnectors connectors;
    private final double warmupEpochs;
    private final CriterionContext context;

    private ReviewKdCriterion(CriterionContext context, double warmupEpochs, int maxMid) {
        if (context.student() == null || context.teacher() == null) {
            throw new IllegalArgumentException("loss term reviewkd needs a student and a live teacher");
        }
        if (!(warmupEpochs >= 0)) {
            throw new IllegalArgumentException("loss term reviewkd: warmup_epochs=" + warmupEpochs + " must be >= 0");
        }
        if (maxMid < 1) {
            throw new IllegalArgumentException("loss term reviewkd: max_mid_channels=" + maxMid + " must be >= 1");
        }
        if (warmupEpochs > 1 && context.stepsPerEpoch() <= 0) {
            throw new IllegalArgumentException("loss term reviewkd: warmup_epochs > 1 needs the steps per epoch");
        }
        this.context = context;
        this.warmupEpochs = warmupEpochs;
        this.studentLevels = levels(context.student());
        this.teacherLevels = levels(context.teacher());
        this.connectors = new ReviewKdConnectors(
                context.manager(),
                widths(context.student(), studentLevels),
                widths(context.teacher(), teacherLevels),
                maxMid);
    }

    private static Criterion create(CriterionSpec spec, CriterionContext context) {
        return new ReviewKdCriterion(context, spec.number("warmup_epochs", 1), spec.integer("max_mid_channels", 512));
    }

    private static List<String> levels(Model model) {
        List<String> names = new ArrayList<>(FeatureProbe.stages(model));
        names.add(FeatureProbe.POOLED);
        return names;
    }

    private static long[] widths(Model model, List<String> levels) {
        Map<String, Long> channels = FeatureProbe.channels(model, levels);
        return levels.stream().mapToLong(channels::get).toArray();
    }

    @Override
    public Needs needs() {
        return Needs.features(Set.copyOf(studentLevels), Set.copyOf(teacherLevels));
    }

    /** min(epoch / warmup_epochs, 1) for the 1-based epoch of {@code step}. */
    double warmup(long step) {
        if (warmupEpochs <= 1) {
            return 1; // the first epoch is 1 already
        }
        return Math.min(context.epochOf(step) / warmupEpochs, 1);
    }

    @Override
    public NDArray compute(CriterionInput in) {
        List<NDArray> student = new ArrayList<>();
        List<NDArray> teacher = new ArrayList<>();
        List<long[]> sizes = new ArrayList<>();
        for (int i = 0; i < studentLevels.size(); i++) {
            student.add(asMap(in.student().feature(studentLevels.get(i))));
            NDArray t = asMap(in.teacher().feature(teacherLevels.get(i))).stopGradient();
            teacher.add(t);
            sizes.add(new long[] {t.getShape().get(2), t.getShape().get(3)});
        }
        NDArray loss = HierarchicalContextLoss.of(connectors.review(student, sizes), teacher);
        double factor = warmup(in.step());
        return factor == 1 ? loss : Scalars.mul(loss, factor);
    }

    /** A pooled feature (B, K) as a (B, K, 1, 1) map; maps as they are. */
    private static NDArray asMap(NDArray f) {
        return f.getShape().dimension() == 2
                ? f.reshape(f.getShape().get(0), f.getShape().get(1), 1, 1)
                : f;
    }

    @Override
    public Optional<Module> module() {
        return Optional.of(connectors);
    }

    /** The connectors, for tests. */
    Module connectors() {
        return connectors;
    }
}
