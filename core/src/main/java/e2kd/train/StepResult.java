package e2kd.train;

import java.util.Map;

/**
 * Loss values of one training step: the total and each term computed this step by label (a term not computed is
 * absent). {@code skipped}: the loss or a gradient was not finite, so no update was applied.
 */
public record StepResult(double total, Map<String, Double> parts, boolean skipped) {
    public StepResult {
        parts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parts));
    }

    /** Term {@code label}'s value, NaN when it was not computed this step. */
    public double part(String label) {
        return parts.getOrDefault(label, Double.NaN);
    }
}
