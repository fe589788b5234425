package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** {@code nn.GELU()} (exact, erf form); no parameters. */
public final class Gelu extends Module implements Layer {
    @Override
    public NDArray forward(NDArray x) {
        return Activation.gelu(x);
    }
}
