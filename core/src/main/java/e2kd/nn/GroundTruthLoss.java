package e2kd.nn;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;

/**
 * The optional label term γ·L_gt (γ = 0 in every paper run): cross-entropy for standard models; for B-cos models
 * binary cross-entropy on one-hot targets whose off-labels are 1/C (B-cos-v2's
 * {@code UniformOffLabelsBCEWithLogitsLoss}), averaged over all B×C entries.
 */
public enum GroundTruthLoss {
    CROSS_ENTROPY {
        @Override
        public NDArray of(NDArray logits, NDArray labels) {
            NDArray oneHot = labels.oneHot((int) logits.getShape().get(1), logits.getDataType());
            return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
        }
    },
    UNIFORM_OFF_LABEL_BCE {
        @Override
        public NDArray of(NDArray logits, NDArray labels) {
            int classes = (int) logits.getShape().get(1);
            NDArray target = Scalars.maximum(labels.oneHot(classes, logits.getDataType()), 1.0 / classes);
            // BCE with logits, stable form: max(z, 0) − z·t + log(1 + e^{−|z|})
            NDArray loss = Scalars.maximum(logits, 0)
                    .sub(logits.mul(target))
                    .add(ai.djl.nn.Activation.softPlus(logits.abs().neg()));
            return loss.mean();
        }
    };

    /** logits (B, C), labels (B) int64 → scalar. */
    public abstract NDArray of(NDArray logits, NDArray labels);
}
