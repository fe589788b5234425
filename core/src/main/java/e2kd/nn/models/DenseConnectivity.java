package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * DenseNet's connectivity within one dense block: x_i = f_i(cat(x_0, …, x_{i−1})) for i = 1..n, output
 * cat(x_0, …, x_n) along channels; x_0 (B, C₀, H, W), each x_i (B, k, H, W), output (B, C₀ + n·k, H, W).
 *
 * <p>Transpose (the B-cos transposed pass): concatenation transposes to a split of g into g_0..g_n along channels;
 * for i = n..1, J_iᵀ g_i (B, C₀ + (i−1)·k, H, W) is added to the concatenation of g_0..g_{i−1}; the result is g_0.
 */
final class DenseConnectivity {
    private DenseConnectivity() {}

    /** The block's forward (or linear stream) with layer maps {@code layers}. */
    static NDArray forward(NDArray x, List<UnaryOperator<NDArray>> layers) {
        List<NDArray> features = new ArrayList<>();
        features.add(x);
        for (UnaryOperator<NDArray> layer : layers) {
            features.add(layer.apply(concat(features)));
        }
        return concat(features);
    }

    /**
     * The block's transpose, given each layer's transpose, the block's input channels C₀ and growth rate k.
     *
     * @param g (B, C₀ + n·k, H, W) → (B, C₀, H, W)
     */
    static NDArray transpose(NDArray g, List<UnaryOperator<NDArray>> layerTransposes, long inputChannels, long growth) {
        NDArray acc = g;
        for (int i = layerTransposes.size(); i >= 1; i--) {
            // acc holds g_0..g_i with the contributions of layers > i added; g_i is complete, layer i consumed it.
            long offset = inputChannels + (i - 1) * growth;
            NDArray back = layerTransposes.get(i - 1).apply(acc.get(new NDIndex(":, {}:{}", offset, offset + growth)));
            acc = acc.get(new NDIndex(":, :{}", offset)).add(back);
        }
        return acc;
    }

    /** Channel concatenation; a single array is returned as is (DJL's concat of one array detaches it). */
    private static NDArray concat(List<NDArray> features) {
        return features.size() == 1 ? features.get(0) : NDArrays.concat(new NDList(features), 1);
    }
}
