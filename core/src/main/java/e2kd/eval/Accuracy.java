package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Top-k hits of a batch of logits. */
public final class Accuracy {
    private Accuracy() {}

    /**
     * Number of rows whose label is among the k largest logits: a row counts when fewer than k classes have a
     * logit strictly greater than the label's (so ties favour the label).
     *
     * @param logits (B, C)
     * @param labels (B) int64
     */
    public static long topK(NDArray logits, NDArray labels, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k needs k >= 1, got " + k);
        }
        NDArray own = logits.mul(labels.oneHot((int) logits.getShape().get(1), logits.getDataType()))
                .sum(new int[] {1}, true);
        NDArray above = logits.gt(own).toType(DataType.INT64, false).sum(new int[] {1});
        return above.lt(k).toType(DataType.INT64, false).sum().getLong();
    }
}
