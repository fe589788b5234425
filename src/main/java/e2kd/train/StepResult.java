package e2kd.train;

/** Loss values of one training step (NaN for a part not computed). */
public record StepResult(double total, double kd, double explanation, double groundTruth) {}
