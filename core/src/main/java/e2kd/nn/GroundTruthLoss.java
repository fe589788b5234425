package e2kd.nn;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;

/**
 * The label loss of training from labels and of the optional term γ·L_gt (γ = 0 in every paper run): cross-entropy
 * for standard models; for B-cos models binary cross-entropy on one-hot targets whose off-labels are 1/C (B-cos-v2's
 * {@code UniformOffLabelsBCEWithLogitsLoss}), averaged over all B×C entries; for multi-label data (either family)
 * binary cross-entropy on the 0/1 class targets, averaged over all B×C entries (METHOD.md §7). Which one a run uses
 * is decided by {@code e2kd.distill.Labelling}.
 */
public enum GroundTruthLoss {
    CROSS_ENTROPY {
        @Override
        public NDArray of(NDArray logits, NDArray labels, NDArray targets) {
            NDArray oneHot = labels.oneHot((int) logits.getShape().get(1), logits.getDataType());
            return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
        }
    },
    UNIFORM_OFF_LABEL_BCE {
        @Override
        public NDArray of(NDArray logits, NDArray labels, NDArray targets) {
            int classes = (int) logits.getShape().get(1);
            return bce(logits, Scalars.maximum(labels.oneHot(classes, logits.getDataType()), 1.0 / classes));
        }
    },
    MULTI_LABEL_BCE {
        @Override
        public NDArray of(NDArray logits, NDArray labels, NDArray targets) {
            return bce(logits, targets.toType(logits.getDataType(), false));
        }
    };

    /**
     * logits (B, C), labels (B) int64, targets (B, C) the classes of each sample as 0/1 rows → scalar; the
     * single-label losses read the labels, the multi-label one the targets.
     */
    public abstract NDArray of(NDArray logits, NDArray labels, NDArray targets);

    /** BCE with logits, mean over all entries, in the stable form max(z, 0) − z·t + log(1 + e^{−|z|}). */
    private static NDArray bce(NDArray logits, NDArray target) {
        return Scalars.maximum(logits, 0)
                .sub(logits.mul(target))
                .add(ai.djl.nn.Activation.softPlus(logits.abs().neg()))
                .mean();
    }
}
