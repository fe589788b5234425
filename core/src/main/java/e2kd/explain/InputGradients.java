package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Module;
import e2kd.nn.ops.Autograd;

/**
 * ∂(Σ_b y_b,c_b)/∂v for a leaf v by double backprop (create_graph): the gradient stays differentiable w.r.t. the
 * parameters. libtorch also accumulates into every parameter's gradient; those are zeroed here, as the real
 * backward must not see them.
 */
final class InputGradients {
    private InputGradients() {}

    /** A zero-cost leaf v = x (detached copy) that records gradients. */
    static NDArray leaf(NDArray x) {
        NDArray v = x.duplicate();
        v.setRequiresGradient(true);
        return v;
    }

    /** Gradient of the selected logits w.r.t. {@code leaf}; {@code model}'s parameter gradients are reset. */
    static NDArray of(NDArray selectedLogits, NDArray classes, NDArray leaf, Module model) {
        return of(selectedLogits, classes, leaf, model, true);
    }

    /**
     * As {@link #of(NDArray, NDArray, NDArray, Module)}; with {@code createGraph} false a plain first-order gradient
     * (a constant, for a frozen teacher).
     */
    static NDArray of(NDArray selectedLogits, NDArray classes, NDArray leaf, Module model, boolean createGraph) {
        NDArray oneHot = classes.oneHot((int) selectedLogits.getShape().get(1), selectedLogits.getDataType());
        NDArray target = selectedLogits.mul(oneHot).sum();
        Autograd.backward(target, createGraph);
        NDArray gradient = leaf.getGradient();
        gradient.attach(selectedLogits.getManager());
        Autograd.zeroGradients(model.parameters().values());
        return gradient;
    }
}
