package e2kd.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArrayEx;
import e2kd.nn.CamModel;
import e2kd.nn.Taps;
import e2kd.nn.layers.GlobalAvgPool;
import java.util.function.UnaryOperator;

/**
 * GradCAM, positive part, at a named stage A (B, K, h, w), resized to the input (bilinear, align_corners=false):
 * G = ReLU(Σ_k α_k A_k), α_k = spatial mean of ∂y_c/∂A_k (METHOD.md §2). At the last stage ({@code layer4} of a
 * ResNet, the last encoder's token grid of a ViT) the head reads A only through its spatial mean, so α has a closed
 * form ({@link CamModel#gradCamWeights}; first-order only); any other stage goes through double backprop. Map (B, H, W).
 */
public final class GradCam implements Explainer {
    private static final int BILINEAR = 1; // DJL mode ids follow Image.Interpolation: NEAREST, BILINEAR, AREA, BICUBIC
    private final CamModel model;
    private final String layer;

    private GradCam(CamModel model, String layer) {
        this.model = model;
        this.layer = layer;
        if (!model.tapNames().contains(layer)) {
            throw new IllegalArgumentException(
                    "unknown GradCAM layer '" + layer + "'; valid: " + String.join(", ", model.tapNames()));
        }
    }

    /** At the last stage, closed form. */
    public static GradCam lastStage(CamModel model) {
        return new GradCam(model, model.lastStage());
    }

    /** At any named stage, by double backprop (also usable at layer4, as the oracle of the closed form). */
    public static Explainer generic(CamModel model, String layer) {
        GradCam cam = new GradCam(model, layer);
        return new Explainer() {
            @Override
            public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
                return cam.explainByDoubleBackprop(x, choice, taps);
            }

            @Override
            public String name() {
                return "gradcam-autograd";
            }
        };
    }

    @Override
    public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
        NDArray[] features = new NDArray[1];
        NDArray logits = model.forward(x, taps.with(layer, a -> features[0] = a));
        NDArray classes = choice.choose(logits);
        NDArray a = features[0];
        NDArray rows = classes.oneHot((int) logits.getShape().get(1), logits.getDataType());
        NDArray alpha = model.gradCamWeights(rows, a);
        return new Explained(logits, classes, camFrom(alpha, a, x));
    }

    private Explained explainByDoubleBackprop(NDArray x, ClassChoice choice, Taps taps) {
        NDArray[] tapped = new NDArray[2];
        UnaryOperator<NDArray> tap = a -> {
            tapped[0] = InputGradients.leaf(a.zerosLike());
            tapped[1] = a.add(tapped[0]);
            return tapped[1];
        };
        NDArray logits = model.forward(x, taps.with(layer, tap));
        NDArray classes = choice.choose(logits);
        NDArray gradient = InputGradients.of(logits, classes, tapped[0], model.module());
        NDArray alpha = GlobalAvgPool.of(gradient);
        return new Explained(logits, classes, camFrom(alpha, tapped[1], x));
    }

    /** ReLU(Σ_k α_k A_k) resized to x's H×W; alpha (B, K), a (B, K, h, w) → (B, H, W). */
    private static NDArray camFrom(NDArray alpha, NDArray a, NDArray x) {
        long b = a.getShape().get(0);
        NDArray cam = Activation.relu(a.mul(alpha.reshape(b, -1, 1, 1)).sum(new int[] {1}, true));
        long[] size = {x.getShape().get(2), x.getShape().get(3)};
        NDArray resized = ((PtNDArrayEx) cam.getNDArrayInternal()).interpolation(size, BILINEAR, false);
        return resized.squeeze(1);
    }

    @Override
    public String name() {
        return "gradcam";
    }
}
