package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Operations the feature criteria share on maps (B, C, h, w). */
final class FeatureMaps {
    private FeatureMaps() {}

    /** {@code F.adaptive_avg_pool2d(x, (h, w))}. */
    static NDArray adaptiveAvgPool(NDArray x, long h, long w) {
        if (x.getShape().get(2) == h && x.getShape().get(3) == w) {
            return x;
        }
        return JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(h, w));
    }

    /** {@code F.normalize(x, p=2, dim)}: x / max(‖x‖₂ along dim, 1e-12). */
    static NDArray l2Normalize(NDArray x, int dim) {
        return JniUtils.normalize((PtNDArray) x, 2, dim, 1e-12);
    }

    /** {@code F.mse_loss}: the mean of the squared differences. */
    static NDArray mse(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }
}
