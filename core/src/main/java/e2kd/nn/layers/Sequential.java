package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.Taps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nn.Sequential} of plain layers: children named "0", "1", …, or by the names given
 * ({@code nn.Sequential(OrderedDict(...))}, e.g. torchvision DenseNet's {@code features.conv0}).
 */
public final class Sequential extends Module implements Layer {
    private final Map<String, Layer> layers = new LinkedHashMap<>();

    public Sequential(List<? extends Module> modules) {
        for (int i = 0; i < modules.size(); i++) {
            layers.put(Integer.toString(i), (Layer) child(Integer.toString(i), modules.get(i)));
        }
    }

    /** Children under the given names, applied in the map's order. */
    public Sequential(Map<String, ? extends Module> modules) {
        modules.forEach((name, m) -> layers.put(name, (Layer) child(name, m)));
    }

    @Override
    public NDArray forward(NDArray x) {
        return forward(x, Taps.none());
    }

    /** The forward with {@code taps} called after each child under its name. */
    public NDArray forward(NDArray x, Taps taps) {
        NDArray out = x;
        for (Map.Entry<String, Layer> l : layers.entrySet()) {
            out = taps.at(l.getKey(), l.getValue().forward(out));
        }
        return out;
    }
}
