package e2kd.nn;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A model whose logits are those of {@code inner} at the given class indices, in that order (B, map.length): a
 * teacher of many classes (ImageNet-1k) seen through the data's classes (a subset such as ImageNet-100), so its
 * softmax, top-1 and KD term range over the mapped classes only.
 */
public final class ClassMappedModel extends Model {
    private final Model inner;
    private final long[] classes;

    /** @param classes the inner model's class index of each of this model's classes */
    public ClassMappedModel(Model inner, int[] classes) {
        super(new ModelSpec(
                inner.spec().id(),
                inner.spec().family(),
                classes.length,
                inner.spec().options()));
        this.inner = child("inner", inner);
        this.classes = java.util.Arrays.stream(classes).mapToLong(i -> i).toArray();
    }

    /** The wrapped model. */
    public Model inner() {
        return inner;
    }

    /** The mapped columns of logits (B, C_inner) → (B, map.length). */
    public NDArray select(NDArray logits) {
        long b = logits.getShape().get(0);
        NDArray index =
                logits.getManager().create(classes).reshape(1, classes.length).repeat(0, b);
        return logits.gather(index, 1);
    }

    /** The inner model's class indices of this model's classes {@code mapped} (B) int64. */
    public NDArray innerClasses(NDArray mapped) {
        return mapped.getManager().create(classes).get(mapped);
    }

    @Override
    public NDArray forward(NDArray x, Taps taps) {
        return select(inner.forward(x, taps));
    }

    @Override
    public List<String> tapNames() {
        return inner.tapNames();
    }
}
