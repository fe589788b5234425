package e2kd.distill;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What the student is distilled from, per batch: the teacher's logits (B, C), its top-1 classes (B), its
 * explanation for them (null when no active criterion needs it) and the features the criteria asked for. Live or
 * precomputed (frozen e²KD, which stores no features).
 */
public record TeacherOutput(NDArray logits, NDArray top1, NDArray map, Map<String, NDArray> features) {
    public TeacherOutput(NDArray logits, NDArray top1, NDArray map) {
        this(logits, top1, map, Map.of());
    }

    /** Feature {@code name}; fails naming it when it was not asked for. */
    public NDArray feature(String name) {
        return Features.get(features, name, "teacher");
    }
}
