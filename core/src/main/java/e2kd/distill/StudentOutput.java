package e2kd.distill;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * The student's outputs in a step: logits (B, C), its explanation for the teacher's top-1 class (null when no active
 * criterion needs it) and the features the criteria asked for, by name.
 */
public record StudentOutput(NDArray logits, NDArray map, Map<String, NDArray> features) {
    /** Feature {@code name}; fails naming it when it was not asked for. */
    public NDArray feature(String name) {
        return Features.get(features, name, "student");
    }
}
