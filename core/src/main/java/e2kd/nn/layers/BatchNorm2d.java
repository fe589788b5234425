package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.ConvOps;
import e2kd.nn.ops.Scopes;
import java.util.List;

/**
 * Standard batch norm ({@code nn.BatchNorm2d}, ε = 1e-5, momentum 0.1), computed by libtorch's batch_norm, which
 * also updates the running statistics in training mode. Keys: {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var}, {@code num_batches_tracked}. x (B, C, H, W) → same shape.
 *
 * <p>After a convolution ({@link #ofConv}) a frozen norm in eval mode (a frozen teacher's) is folded into the
 * convolution, as torch.nn.utils.fusion.fuse_conv_bn_eval does: w′ = w·s, b′ = β − μ·s with s = γ/√(σ² + ε) per
 * output channel, one convolution with a bias instead of a convolution and an activation-sized pass
 * (docs/PERFORMANCE.md, item 25). The folded weight is a second copy of the weight, so only layers whose output
 * outnumbers their weight fold (the early, wide-map ones, where the norm's pass costs most). The folded weight and
 * bias are kept until the weights change or the norm runs in training mode.
 */
public final class BatchNorm2d extends Module implements Layer {
    private static final double EPS = 1e-5;
    private Folded folded;

    /** w′ and b′ of {@code convWeight} with this norm, owned by {@code arrays} (a sub-manager of the weight's). */
    private record Folded(NDArray convWeight, NDManager arrays, NDArray weight, NDArray bias) {}

    public BatchNorm2d(NDManager manager, int channels) {
        parameter("weight", manager.ones(new Shape(channels)));
        parameter("bias", manager.zeros(new Shape(channels)));
        buffer("running_mean", manager.zeros(new Shape(channels)));
        buffer("running_var", manager.ones(new Shape(channels)));
        buffer("num_batches_tracked", manager.create(0L));
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray out = JniUtils.batchNorm(
                (PtNDArray) x,
                (PtNDArray) buf("running_mean"),
                (PtNDArray) buf("running_var"),
                (PtNDArray) param("weight"),
                (PtNDArray) param("bias"),
                isTraining(),
                0.1,
                EPS);
        if (isTraining()) {
            weightsChanged(); // the running statistics move
            Autograd.noGrad(() -> buf("num_batches_tracked").addi(1));
        }
        return out;
    }

    /**
     * norm(conv(x)): folded into one convolution where both are frozen (no gradient), the norm is in eval mode and
     * the convolution runs on libtorch's kernels (channels-last); else the two in turn.
     */
    public NDArray ofConv(Conv2d conv, NDArray x) {
        if (!foldsInto(conv, x)) {
            return forward(conv.forward(x));
        }
        NDArray w = conv.weight();
        if (folded == null || folded.convWeight() != w) {
            weightsChanged();
            folded = Autograd.noGrad(() -> fold(w));
        }
        return ConvOps.libtorchConv(x, folded.weight(), folded.bias(), conv.stride, conv.padding);
    }

    /** Whether {@link #ofConv} runs {@code conv} on {@code x} and this norm as one folded convolution. */
    public boolean foldsInto(Conv2d conv, NDArray x) {
        return !isTraining()
                && !conv.weight().hasGradient()
                && !param("weight").hasGradient()
                && conv.isChannelsLast()
                && conv.outputSize(x) > conv.weight().size();
    }

    private Folded fold(NDArray convWeight) {
        NDArray[] weightAndBias = Scopes.keepingOnly(
                List.of(convWeight, param("weight"), param("bias"), buf("running_mean"), buf("running_var")),
                () -> {
                    NDArray scale =
                            param("weight").div(buf("running_var").add(EPS).sqrt());
                    // an elementwise result keeps the weight's (channels-last) strides
                    return new NDArray[] {
                        convWeight.mul(scale.reshape(-1, 1, 1, 1)),
                        param("bias").sub(buf("running_mean").mul(scale))
                    };
                },
                List::of);
        NDManager arrays = convWeight.getManager().newSubManager();
        for (NDArray a : weightAndBias) {
            a.attach(arrays);
        }
        return new Folded(convWeight, arrays, weightAndBias[0], weightAndBias[1]);
    }

    @Override
    protected void weightsChanged() {
        if (folded != null) {
            folded.arrays().close();
            folded = null;
        }
    }
}
