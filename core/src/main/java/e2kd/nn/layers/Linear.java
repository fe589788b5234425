package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.ops.RandomDraws;

/**
 * Fully connected layer ({@code nn.Linear}): keys {@code weight} (O, I) and, unless built without, {@code bias} (O).
 * x (…, I) → (…, O).
 */
public final class Linear extends Module implements Layer {

    public Linear(NDManager manager, int in, int out) {
        this(manager, in, out, true);
    }

    /** With or without a bias ({@code nn.Linear(in, out, bias=...)}). */
    public Linear(NDManager manager, int in, int out, boolean bias) {
        // PyTorch's default init: U(−1/√in, 1/√in) for weight and bias.
        float bound = (float) (1 / Math.sqrt(in));
        parameter(
                "weight",
                RandomDraws.draw(() -> manager.randomUniform(-bound, bound, new Shape(out, in), DataType.FLOAT32)));
        if (bias) {
            parameter(
                    "bias",
                    RandomDraws.draw(() -> manager.randomUniform(-bound, bound, new Shape(out), DataType.FLOAT32)));
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray bias = param("bias");
        return bias == null
                ? x.matMul(weight().transpose())
                : ai.djl.nn.core.Linear.linear(x, weight(), bias).singletonOrThrow();
    }

    /** Global average pooling, then this layer: features (B, I, h, w) → (B, O) (the torchvision ResNet/DenseNet head). */
    public NDArray pooled(NDArray features) {
        return forward(GlobalAvgPool.of(features));
    }

    /** (O, I). */
    public NDArray weight() {
        return param("weight");
    }
}
