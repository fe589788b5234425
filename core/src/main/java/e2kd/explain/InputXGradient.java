package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.ops.Autograd;

/**
 * Input×Gradient: x ⊙ ∂y_c/∂x. Map (B, C_in, H, W). Called while the graph is recorded (a student), the map is
 * differentiable w.r.t. the parameters by double backprop. Called under {@code Autograd.noGrad} (a frozen teacher),
 * the graph is recorded for this one first-order input gradient only and the map and logits come back as constants;
 * a teacher's parameters must not require gradients ({@code setTrainable(false)}), so none are touched.
 */
public final class InputXGradient implements Explainer {
    private final Model model;

    public InputXGradient(Model model) {
        this.model = model;
    }

    @Override
    public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
        if (!Autograd.isRecording()) {
            Explained e = Autograd.recording(() -> explain(x, choice, taps, false));
            return new Explained(e.logits().stopGradient(), e.classes(), e.map());
        }
        return explain(x, choice, taps, true);
    }

    private Explained explain(NDArray x, ClassChoice choice, Taps taps, boolean differentiable) {
        NDArray v = InputGradients.leaf(x);
        NDArray logits = model.forward(v, taps);
        NDArray classes = choice.choose(logits);
        NDArray gradient = InputGradients.of(logits, classes, v, model, differentiable);
        return new Explained(logits, classes, gradient.mul(x));
    }

    @Override
    public String name() {
        return "ixg";
    }
}
