package e2kd.train.optim;

/**
 * Learning rate per step (METHOD.md §4): linear warm-up from 0.01·lr to lr over {@code warmupSteps}, then cosine
 * decay to 0 at {@code totalSteps}: lr·½(1 + cos(π·(s − W)/(T − W))).
 */
public record Schedule(double lr, long warmupSteps, long totalSteps) {
    private static final double WARMUP_START = 0.01;

    public Schedule {
        if (!(lr > 0) || warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("schedule needs lr > 0, warm-up >= 0 and total steps >= 1; got lr=" + lr
                    + ", warm-up " + warmupSteps + ", total " + totalSteps);
        }
    }

    /** Learning rate of step {@code step} (0-based). */
    public double at(long step) {
        long warmup = Math.min(warmupSteps, totalSteps);
        if (step < warmup) {
            return lr * (WARMUP_START + (1 - WARMUP_START) * step / (double) warmup);
        }
        long decay = totalSteps - warmup;
        double progress = decay == 0 ? 1 : Math.min(1.0, (step - warmup) / (double) decay);
        return lr * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
