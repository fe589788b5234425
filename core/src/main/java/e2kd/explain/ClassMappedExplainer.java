package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ClassMappedModel;
import e2kd.nn.Taps;

/**
 * Explains a {@link ClassMappedModel}'s inner model for a class chosen among the mapped logits: the choice sees the
 * mapped logits (B, C), the inner explainer explains the corresponding inner class; logits and classes come back in
 * the mapped space, the map is the inner model's explanation of that class.
 */
public final class ClassMappedExplainer implements Explainer {
    private final Explainer inner;
    private final ClassMappedModel model;

    public ClassMappedExplainer(Explainer inner, ClassMappedModel model) {
        this.inner = inner;
        this.model = model;
    }

    @Override
    public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
        NDArray[] chosen = new NDArray[1];
        Explained e = inner.explain(
                x,
                logits -> {
                    chosen[0] = choice.choose(model.select(logits));
                    return model.innerClasses(chosen[0]);
                },
                taps);
        return new Explained(model.select(e.logits()), chosen[0], e.map());
    }

    @Override
    public String name() {
        return inner.name();
    }
}
