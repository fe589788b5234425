package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Model;

/** Input×Gradient: x ⊙ ∂y_c/∂x, differentiable by double backprop. Map (B, C_in, H, W). */
public final class InputXGradient implements Explainer {
    private final Model model;

    public InputXGradient(Model model) {
        this.model = model;
    }

    @Override
    public Explained explain(NDArray x, ClassChoice choice) {
        NDArray v = InputGradients.leaf(x);
        NDArray logits = model.forward(v);
        NDArray classes = choice.choose(logits);
        NDArray gradient = InputGradients.of(logits, classes, v, model);
        return new Explained(logits, classes, gradient.mul(x));
    }

    @Override
    public String name() {
        return "ixg";
    }
}
