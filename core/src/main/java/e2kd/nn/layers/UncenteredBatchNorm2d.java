package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.Scalars;
import e2kd.nn.ops.Scopes;

/**
 * Uncentered batch norm without bias (B-cos-v2 {@code NoBias(BatchNormUncentered2d)}): y = x / sqrt(var + ε) · γ,
 * never subtracting the mean. Training: var is the biased batch variance over (B, H, W); running_var follows it
 * with momentum 0.1 and num_batches_tracked counts up; running_mean is stored but unused (kept for state-dict
 * compatibility). Eval: var = running_var. Keys: {@code weight}, {@code running_mean}, {@code running_var},
 * {@code num_batches_tracked}. The dynamic factor for the transposed pass is γ/σ (γ stays in the graph).
 */
public final class UncenteredBatchNorm2d extends Module implements DynamicLinear {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    public UncenteredBatchNorm2d(NDManager manager, int channels) {
        parameter("weight", manager.ones(new Shape(channels)));
        buffer("running_mean", manager.zeros(new Shape(channels)));
        buffer("running_var", manager.ones(new Shape(channels)));
        buffer("num_batches_tracked", manager.create(0L));
    }

    /** x (B, C, H, W) → same shape. */
    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray variance = isTraining()
                ? batchVariance(x)
                : Scopes.owned(x, buf("running_var").reshape(1, -1, 1, 1));
        NDArray gamma = Scopes.owned(x, param("weight").reshape(1, -1, 1, 1));
        NDArray factor = gamma.div(variance.add(EPS).sqrt());
        if (trace != null) {
            trace.record(
                    this,
                    new Trace.Entry(
                            factor, null, x.getShape().get(2), x.getShape().get(3)));
        }
        return x.mul(factor);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        return g.mul(trace.of(this).factor());
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        return v.mul(trace.of(this).factor());
    }

    private NDArray batchVariance(NDArray x) {
        int[] axes = {0, 2, 3};
        long count = x.getShape().get(0) * x.getShape().get(2) * x.getShape().get(3);
        NDArray mean = Scalars.div(x.sum(axes, true), count);
        NDArray variance = Scalars.div(x.sub(mean).square().sum(axes, true), count);
        Autograd.noGrad(() -> {
            NDArray runningVar = buf("running_var");
            // B-cos-v2: running_var.copy_((1 - momentum) * running_var + momentum * var)
            NDArray flat = variance.reshape(-1).toType(runningVar.getDataType(), false);
            runningVar.muli(1 - MOMENTUM).addi(flat.mul(MOMENTUM));
            buf("num_batches_tracked").addi(1);
            return null;
        });
        return variance;
    }
}
