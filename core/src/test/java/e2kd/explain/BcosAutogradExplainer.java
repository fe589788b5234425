package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.BcosClassifier;
import e2kd.nn.Taps;
import e2kd.nn.Trace;

/**
 * Independent route to W_c(x), kept as the test oracle for {@link BcosExplainer}: a normal traced stream gives the
 * logits and the dynamic factors; a second "linear" stream J(x)·v with those factors is fed by a leaf v = x, and
 * W_c(x) = ∂y_lin,c/∂v by double backprop (METHOD.md §2, "two streams"). Slower; same semantics.
 */
public final class BcosAutogradExplainer implements Explainer {
    private final BcosClassifier model;

    public BcosAutogradExplainer(BcosClassifier model) {
        this.model = model;
    }

    @Override
    public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
        Trace trace = new Trace();
        NDArray logits = model.forward(x, trace, taps);
        NDArray classes = choice.choose(logits);
        NDArray v = InputGradients.leaf(x);
        NDArray map = InputGradients.of(model.linearLogits(v, trace), classes, v, model.model());
        return new Explained(logits, classes, map);
    }

    @Override
    public String name() {
        return "bcos-autograd";
    }
}
