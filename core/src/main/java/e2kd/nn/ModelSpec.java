package e2kd.nn;

/**
 * Everything needed to rebuild a model: registry id, its family (as the registry knows it), class count and its
 * architecture's options.
 */
public record ModelSpec(String id, ModelFamily family, int numClasses, ArchitectureOptions options) {
    public ModelSpec {
        if (numClasses < 2) {
            throw new IllegalArgumentException("model " + id + " needs at least 2 classes, got " + numClasses);
        }
    }

    /** The options as the architecture's own type (e.g. {@code CnnOptions}). */
    public <T extends ArchitectureOptions> T options(Class<T> type) {
        if (!type.isInstance(options)) {
            throw new IllegalArgumentException(
                    "model " + id + " has " + options.getClass().getSimpleName() + ", not " + type.getSimpleName());
        }
        return type.cast(options);
    }
}
