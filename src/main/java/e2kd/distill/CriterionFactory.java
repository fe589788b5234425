package e2kd.distill;

/**
 * Builds a criterion from its {@code loss:} entry. Built-in factories are registered in {@link Criteria}; others are
 * found by {@link java.util.ServiceLoader} (a line in {@code META-INF/services/e2kd.distill.CriterionFactory}).
 */
public interface CriterionFactory {
    /** The name a {@code loss:} entry uses. */
    String name();

    Criterion create(CriterionSpec spec, CriterionContext context);

    /** A factory from a name and a function. */
    static CriterionFactory of(String name, java.util.function.BiFunction<CriterionSpec, CriterionContext, Criterion> create) {
        return new CriterionFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Criterion create(CriterionSpec spec, CriterionContext context) {
                return create.apply(spec, context);
            }
        };
    }
}
