package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The channels-last (NHWC) memory layout for standard ResNets of ImageNet width. With activations and convolution
 * weights stored channels-last, libtorch hands them to oneDNN as they are; with PyTorch's default layout every
 * oneDNN convolution reorders its input into a blocked layout and its output back (216 reorders, about 134 ms of a
 * two-thread ResNet-34 → ResNet-18 KD step at 224 px: docs/PERFORMANCE.md). Only the storage changes: shapes,
 * indexing and state-dict keys stay (B, C, H, W) and (O, I, k, k); convolution weights are stored channels-last
 * from construction ({@code Conv2d.useChannelsLast}), so their gradients and Adam moments are too. The batch-norm,
 * ReLU, pooling and add kernels keep the layout of their input. Channels-last convolutions all run on oneDNN (no matrix products, see
 * {@code Conv2d.forward}). {@code -De2kd.channelsLast=false} keeps PyTorch's default layout everywhere.
 */
public final class ChannelsLast {
    private ChannelsLast() {}

    /**
     * Whether a model of base width {@code base} runs channels-last: measured to pay at ImageNet width (base 64);
     * the narrower models of the tests, the demo and reproduce were not measured to gain and keep the default
     * layout, and so their results. Read when a model is built.
     */
    public static boolean prefers(int base) {
        return base >= 64 && Boolean.parseBoolean(System.getProperty("e2kd.channelsLast", "true"));
    }

    /**
     * x (B, C, H, W), the same values stored (B, H, W, C), owned by {@code owner}; a copy that is differentiable
     * in x.
     */
    public static NDArray of(NDArray x, NDManager owner) {
        Shape s = x.getShape();
        NDArray nhwc = Scopes.owned(owner, x.transpose(0, 2, 3, 1));
        // (B, H, W, C) has no view as (B·H·W, C) unless x already is channels-last, so the reshape copies.
        return nhwc.reshape(s.get(0) * s.get(2) * s.get(3), s.get(1))
                .reshape(s.get(0), s.get(2), s.get(3), s.get(1))
                .transpose(0, 3, 1, 2);
    }
}
