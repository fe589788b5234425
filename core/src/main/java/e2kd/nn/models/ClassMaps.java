package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.ConvOps;

/** Class activation maps of a pooled-linear head: its weight (C, K) as a 1×1 convolution over features (B, K, h, w). */
final class ClassMaps {
    private ClassMaps() {}

    /** (B, C, h, w) = Σ_k w_ck A_k, without the bias (CAM, Zhou et al. 2016). */
    static NDArray of(NDArray weight, NDArray features) {
        return ConvOps.libtorchConv(
                features,
                weight.reshape(weight.getShape().get(0), weight.getShape().get(1), 1, 1),
                1,
                0,
                1);
    }
}
