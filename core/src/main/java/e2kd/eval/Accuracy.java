package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Top-k hits of a batch of logits against each sample's classes, given as 0/1 target rows (B, C): one-hot for
 * single-label data, where a hit is the label among the k largest logits; several ones for multi-label data, where any
 * of the sample's classes counts.
 */
public final class Accuracy {
    private Accuracy() {}

    /** Number of rows whose largest logit (the first on ties) is one of the row's classes. */
    public static long top1(NDArray logits, NDArray targets) {
        NDArray predicted = logits.argMax(1).oneHot((int) logits.getShape().get(1), targets.getDataType());
        return predicted
                .mul(targets)
                .sum(new int[] {1})
                .gt(0)
                .toType(DataType.INT64, false)
                .sum()
                .getLong();
    }

    /**
     * Number of rows with one of their classes among the k largest logits: a row counts when fewer than k classes
     * have a logit strictly greater than its best-scored class's (so ties favour the row's classes).
     *
     * @param logits  (B, C)
     * @param targets (B, C), positive where a class is the sample's
     */
    public static long topK(NDArray logits, NDArray targets, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        NDArray none = logits.getManager().full(logits.getShape(), Float.NEGATIVE_INFINITY, logits.getDataType());
        NDArray own = NDArrays.where(targets.gt(0), logits, none).max(new int[] {1}, true);
        NDArray above = logits.gt(own).toType(DataType.INT64, false).sum(new int[] {1});
        return above.lt(k).toType(DataType.INT64, false).sum().getLong();
    }
}
