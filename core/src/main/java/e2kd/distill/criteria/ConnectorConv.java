package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.ops.ConvOps;
import e2kd.nn.ops.RandomDraws;

/**
 * A stride-1 "same" convolution of a criterion's connector ({@code nn.Conv2d(in, out, k, padding=k/2)}): key
 * {@code weight} (O, I, k, k) and, with a bias, {@code bias} (O). Weights are drawn as
 * {@code nn.init.kaiming_uniform_(w, a)}: U(±√(6 / ((1 + a²)·fan_in))); PyTorch's default is a = √5, and its default
 * bias U(±1/√fan_in).
 */
final class ConnectorConv extends Module implements Layer {
    /** The negative slope of PyTorch's default convolution init. */
    static final double DEFAULT_SLOPE = Math.sqrt(5);

    private final int padding;

    ConnectorConv(NDManager manager, int in, int out, int kernel, boolean bias, double slope) {
        int fanIn = in * kernel * kernel;
        float bound = (float) Math.sqrt(6.0 / ((1 + slope * slope) * fanIn));
        parameter(
                "weight",
                RandomDraws.draw(() ->
                        manager.randomUniform(-bound, bound, new Shape(out, in, kernel, kernel), DataType.FLOAT32)));
        if (bias) {
            float b = (float) (1 / Math.sqrt(fanIn));
            parameter("bias", RandomDraws.draw(() -> manager.randomUniform(-b, b, new Shape(out), DataType.FLOAT32)));
        }
        this.padding = kernel / 2;
    }

    /** x (B, I, H, W) → (B, O, H, W). */
    @Override
    public NDArray forward(NDArray x) {
        NDArray y = ConvOps.conv(x, param("weight"), 1, padding, 1);
        NDArray bias = param("bias");
        return bias == null ? y : y.add(bias.reshape(1, -1, 1, 1));
    }
}
