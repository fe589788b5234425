package e2kd.distill;

/**
 * Builds a criterion from its {@code loss:} entry. Built-in factories are registered in {@link Criteria}; others are
 * found by {@link java.util.ServiceLoader} (a line in {@code META-INF/services/e2kd.distill.CriterionFactory}).
 */
public interface CriterionFactory {
    /** The name a {@code loss:} entry uses. */
    String name();

    Criterion create(CriterionSpec spec, CriterionContext context);

    /** The weight of a {@code loss:} entry that gives none (the literature's value for the term). */
    default double defaultWeight() {
        return 1;
    }

    /** A factory from a name and a function. */
    static CriterionFactory of(
            String name, java.util.function.BiFunction<CriterionSpec, CriterionContext, Criterion> create) {
        return of(name, 1, create);
    }

    /** A factory from a name, a default weight and a function. */
    static CriterionFactory of(
            String name,
            double defaultWeight,
            java.util.function.BiFunction<CriterionSpec, CriterionContext, Criterion> create) {
        return new CriterionFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double defaultWeight() {
                return defaultWeight;
            }

            @Override
            public Criterion create(CriterionSpec spec, CriterionContext context) {
                return create.apply(spec, context);
            }
        };
    }
}
