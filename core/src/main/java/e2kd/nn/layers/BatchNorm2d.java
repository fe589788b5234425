package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.ops.Autograd;

/**
 * Standard batch norm ({@code nn.BatchNorm2d}, ε = 1e-5, momentum 0.1), computed by libtorch's batch_norm, which
 * also updates the running statistics in training mode. Keys: {@code weight}, {@code bias},
 * {@code running_mean}, {@code running_var}, {@code num_batches_tracked}. x (B, C, H, W) → same shape.
 */
public final class BatchNorm2d extends Module implements Layer {

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
                1e-5);
        if (isTraining()) {
            Autograd.noGrad(() -> buf("num_batches_tracked").addi(1));
        }
        return out;
    }
}
