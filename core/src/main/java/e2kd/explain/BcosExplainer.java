package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.BcosClassifier;
import e2kd.nn.Taps;
import e2kd.nn.Trace;

/**
 * B-cos explanation W_c(x) by the explicit transposed pass (METHOD.md §2): one traced forward, then Jᵀ top-down.
 * Only first-order autograd is needed to train through it. Map (B, C_in, H, W).
 */
public final class BcosExplainer implements Explainer {
    private final BcosClassifier model;

    public BcosExplainer(BcosClassifier model) {
        this.model = model;
    }

    @Override
    public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
        Trace trace = new Trace();
        NDArray logits = model.forward(x, trace, taps);
        NDArray classes = choice.choose(logits);
        return new Explained(logits, classes, model.explain(trace, classes));
    }

    @Override
    public String name() {
        return "bcos";
    }
}
