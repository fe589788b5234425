package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import e2kd.nn.Layer;
import e2kd.nn.Module;

/** {@code nn.Sigmoid}: no parameters. */
final class Sigmoid extends Module implements Layer {
    @Override
    public NDArray forward(NDArray x) {
        return Activation.sigmoid(x);
    }
}
