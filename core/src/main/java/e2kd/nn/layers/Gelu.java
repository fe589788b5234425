package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import e2kd.nn.Layer;
import e2kd.nn.Module;

/** {@code nn.GELU()} (exact, erf form); no parameters. */
public final class Gelu extends Module implements Layer {
    @Override
    public NDArray forward(NDArray x) {
        return Activation.gelu(x);
    }
}
