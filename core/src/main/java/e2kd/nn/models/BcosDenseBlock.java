package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * B-cos-v2 {@code _DenseBlock}: children {@code denselayer1..n} (norm1, conv1, norm2, conv2, all dynamic-linear, no
 * ReLU), each seeing the concatenation of the block input and all earlier layer outputs. Its transpose splits g by
 * channels and runs the layers' transposes in reverse ({@link DenseConnectivity}).
 * x (B, C, H, W) → (B, C + n·k, H, W).
 */
final class BcosDenseBlock extends Module implements DynamicLinear {
    private final List<DynamicLinear> layers;
    private final long inputChannels;
    private final long growth;

    BcosDenseBlock(List<Module> layers, int inputChannels, int growth) {
        DenseNetLayout.denseLayerNames(layers).forEach(this::child);
        this.layers = layers.stream().map(l -> (DynamicLinear) l).toList();
        this.inputChannels = inputChannels;
        this.growth = growth;
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        return DenseConnectivity.forward(x, each(l -> v -> l.forward(v, trace)));
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        return DenseConnectivity.transpose(g, each(l -> v -> l.transpose(v, trace)), inputChannels, growth);
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        return DenseConnectivity.forward(v, each(l -> u -> l.linear(u, trace)));
    }

    private List<UnaryOperator<NDArray>> each(java.util.function.Function<DynamicLinear, UnaryOperator<NDArray>> map) {
        return layers.stream().map(map).toList();
    }
}
