package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * torchvision {@code _DenseBlock}: children {@code denselayer1..n}, each seeing the concatenation of the block input
 * and all earlier layer outputs ({@link DenseConnectivity}). x (B, C, H, W) → (B, C + n·k, H, W).
 */
final class DenseBlock extends Module implements Layer {
    private final List<UnaryOperator<NDArray>> layers;

    DenseBlock(List<Module> layers) {
        DenseNetLayout.denseLayerNames(layers).forEach(this::child);
        this.layers = layers.stream()
                .map(l -> (UnaryOperator<NDArray>) ((Layer) l)::forward)
                .toList();
    }

    @Override
    public NDArray forward(NDArray x) {
        return DenseConnectivity.forward(x, layers);
    }
}
