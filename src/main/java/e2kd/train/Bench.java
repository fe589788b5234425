package e2kd.train;

import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Throughput of full distillation steps ({@link SyntheticDistillation}) for one {@link BenchCase}: {@code warmup}
 * untimed steps (JIT, allocator pools, oneDNN kernel selection), then {@code steps} timed ones.
 */
public final class Bench {
    /**
     * @param stepMillis wall time of each timed step
     * @param peakRssKiB the process's peak resident set (VmHWM) after the run
     */
    public record Result(BenchCase benchCase, int batch, int size, double[] stepMillis, long peakRssKiB) {
        /** Images per second over all timed steps. */
        public double imagesPerSecond() {
            return batch * stepMillis.length / (Arrays.stream(stepMillis).sum() / 1000);
        }

        public double medianStepMillis() {
            double[] sorted = stepMillis.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    private Bench() {}

    /** Runs the case; {@code progress} gets each timed step's milliseconds. */
    public static Result run(BenchCase benchCase, int steps, int warmup, int batch, int size,
                             Consumer<Double> progress) {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("steps=" + steps + " must be positive and warmup=" + warmup
                    + " non-negative");
        }
        double[] millis = new double[steps];
        try (NDManager base = NDManager.newBaseManager()) {
            SyntheticDistillation distillation = benchCase.build(base, batch, size);
            for (int s = 0; s < warmup; s++) {
                distillation.step(s, 1e-3);
            }
            for (int s = 0; s < steps; s++) {
                long start = System.nanoTime();
                distillation.step(warmup + s, 1e-3);
                millis[s] = (System.nanoTime() - start) / 1e6;
                progress.accept(millis[s]);
            }
        }
        return new Result(benchCase, batch, size, millis, ProcessMemory.peakRssKiB());
    }
}
