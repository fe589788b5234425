package e2kd.distill;

import e2kd.distill.criteria.AtCriterion;
import e2kd.distill.criteria.CatCriterion;
import e2kd.distill.criteria.CrdCriterion;
import e2kd.distill.criteria.ExplanationCriterion;
import e2kd.distill.criteria.GroundTruthCriterion;
import e2kd.distill.criteria.KdCriterion;
import e2kd.distill.criteria.ReviewKdCriterion;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registry of criteria by name: the built-in ones below, then any found by {@link ServiceLoader}. */
public final class Criteria {
    private static final Map<String, CriterionFactory> REGISTRY = new TreeMap<>();

    static {
        register(KdCriterion.FACTORY);
        register(KdCriterion.SIGMOID);
        register(ExplanationCriterion.FACTORY);
        register(GroundTruthCriterion.FACTORY);
        register(AtCriterion.FACTORY);
        register(CatCriterion.FACTORY);
        register(ReviewKdCriterion.FACTORY);
        register(CrdCriterion.FACTORY);
        ServiceLoader.load(CriterionFactory.class).forEach(Criteria::register);
    }

    private Criteria() {}

    public static void register(CriterionFactory factory) {
        CriterionFactory before = REGISTRY.putIfAbsent(factory.name(), factory);
        if (before != null && before.getClass() != factory.getClass()) {
            throw new IllegalStateException("two criteria are named " + factory.name() + ": "
                    + before.getClass().getName() + " and " + factory.getClass().getName());
        }
    }

    /** The registered names, sorted. */
    public static Iterable<String> names() {
        return REGISTRY.keySet();
    }

    /** Fails naming the registered criteria when {@code name} is not one. */
    public static void check(String name) {
        factory(name);
    }

    /** The weight an entry of criterion {@code name} gets when it gives none. */
    public static double defaultWeight(String name) {
        return factory(name).defaultWeight();
    }

    /** Builds the criterion of {@code spec}; unknown names and parameters are errors that name them. */
    public static Criterion create(CriterionSpec spec, CriterionContext context) {
        Criterion c = factory(spec.name()).create(spec, context);
        if (!spec.unread().isEmpty()) {
            throw new IllegalArgumentException("loss term " + spec.name() + " has no parameter(s) " + spec.unread());
        }
        return c;
    }

    private static CriterionFactory factory(String name) {
        CriterionFactory f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown loss term '" + name + "'; registered: " + String.join(", ", REGISTRY.keySet()));
        }
        return f;
    }
}
