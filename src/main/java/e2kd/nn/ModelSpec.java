package e2kd.nn;

/** Everything needed to rebuild a model: registry id, class count and options. */
public record ModelSpec(String id, int numClasses, ModelOptions options) {
    public ModelSpec {
        if (numClasses < 2) {
            throw new IllegalArgumentException("model " + id + " needs at least 2 classes, got " + numClasses);
        }
    }
}
