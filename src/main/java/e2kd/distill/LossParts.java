package e2kd.distill;

import ai.djl.ndarray.NDArray;

/**
 * The objective and its parts for one batch: total = kd + λ·explanation + γ·groundTruth. A part not computed this
 * step (λ = 0, not a guided step, γ = 0) is null.
 */
public record LossParts(NDArray total, NDArray kd, NDArray explanation, NDArray groundTruth) {
    /** A part as a double, NaN where it was not computed. */
    public static double value(NDArray part) {
        return part == null ? Double.NaN : part.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
}
