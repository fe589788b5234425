package e2kd.nn;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/** {@code nn.Sequential} of plain layers, children named "0", "1", …. */
public final class Sequential extends Module implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(List<? extends Module> modules) {
        for (int i = 0; i < modules.size(); i++) {
            layers.add((Layer) child(Integer.toString(i), modules.get(i)));
        }
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray out = x;
        for (Layer l : layers) {
            out = l.forward(out);
        }
        return out;
    }
}
