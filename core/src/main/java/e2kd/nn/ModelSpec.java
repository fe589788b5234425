package e2kd.nn;

import e2kd.nn.models.CnnOptions;
import e2kd.nn.models.Models;

/** Everything needed to rebuild a model: registry id, class count and its architecture's options. */
public record ModelSpec(String id, int numClasses, ArchitectureOptions options) {
    public ModelSpec {
        if (numClasses < 2) {
            throw new IllegalArgumentException("model " + id + " needs at least 2 classes, got " + numClasses);
        }
    }

    /** The registry's family of this model. */
    public ModelFamily family() {
        return Models.family(id);
    }

    /** The options as the architecture's own type (e.g. {@link CnnOptions}). */
    public <T extends ArchitectureOptions> T options(Class<T> type) {
        if (!type.isInstance(options)) {
            throw new IllegalArgumentException(
                    "model " + id + " has " + options.getClass().getSimpleName() + ", not " + type.getSimpleName());
        }
        return type.cast(options);
    }
}
