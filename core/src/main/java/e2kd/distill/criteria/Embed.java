package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.Module;
import e2kd.nn.layers.Linear;

/** CRD's embedding head: flatten, {@code linear} (PyTorch's default init), L2-normalise each row. (B, …) → (B, D). */
final class Embed extends Module {
    private final Linear linear;

    Embed(NDManager m, int in, int out) {
        linear = child("linear", new Linear(m, in, out));
    }

    NDArray forward(NDArray x) {
        NDArray y = linear.forward(x.reshape(x.getShape().get(0), -1));
        return y.div(y.square().sum(new int[] {1}, true).sqrt());
    }
}
