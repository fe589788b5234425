package e2kd.train;

/**
 * Loss values of one training step (NaN for a part not computed). {@code skipped}: the loss or a gradient was not
 * finite, so no update was applied.
 */
public record StepResult(double total, double kd, double explanation, double groundTruth, boolean skipped) {}
