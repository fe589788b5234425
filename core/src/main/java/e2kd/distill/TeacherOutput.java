package e2kd.distill;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What the student is distilled from, per batch: the teacher's logits (B, C), the class explained per sample (B)
 * ({@link Labelling#explained}: its top-1, or on multi-label data the labelled class it scores highest), its
 * explanation for that class (null when no active criterion needs it) and the features the criteria asked for. Live
 * or precomputed (frozen e²KD, which stores no features).
 */
public record TeacherOutput(NDArray logits, NDArray explained, NDArray map, Map<String, NDArray> features) {
    public TeacherOutput(NDArray logits, NDArray explained, NDArray map) {
        this(logits, explained, map, Map.of());
    }

    /** Every array held, without nulls. */
    public List<NDArray> arrays() {
        List<NDArray> all = new ArrayList<>(features.values());
        Stream.of(logits, explained, map).filter(Objects::nonNull).forEach(all::add);
        return all;
    }

    /** Feature {@code name}; fails naming it when it was not asked for. */
    public NDArray feature(String name) {
        return Features.get(features, name, "teacher");
    }
}
