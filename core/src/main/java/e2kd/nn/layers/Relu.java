package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import e2kd.nn.Layer;
import e2kd.nn.Module;

/** {@code nn.ReLU}: max(x, 0) element-wise; no parameters. */
public final class Relu extends Module implements Layer {
    @Override
    public NDArray forward(NDArray x) {
        return Activation.relu(x);
    }
}
