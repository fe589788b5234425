package e2kd.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import e2kd.nn.Devices;
import e2kd.train.DataParallelStep;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Throughput of full distillation steps ({@link SyntheticDistillation}) for one {@link BenchCase}: {@code warmup}
 * untimed steps (JIT, allocator pools, oneDNN kernel selection), then {@code steps} timed ones.
 */
public final class Bench {
    /**
     * @param stepMillis    wall time of each timed step
     * @param stepCpuMillis CPU time of the calling thread in each timed step (all of the step's work when libtorch
     *                      runs with one intra-op thread; the calling thread's share otherwise)
     * @param peakRssKiB    the process's peak resident set (VmHWM) after the run
     */
    public record Result(
            BenchCase benchCase, int batch, int size, double[] stepMillis, double[] stepCpuMillis, long peakRssKiB) {
        /** Images per second over all timed steps. */
        public double imagesPerSecond() {
            return batch * stepMillis.length / (Arrays.stream(stepMillis).sum() / 1000);
        }

        public double medianStepMillis() {
            return median(stepMillis);
        }

        public double medianStepCpuMillis() {
            return median(stepCpuMillis);
        }

        private static double median(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    private Bench() {}

    /**
     * Runs the case; {@code progress} gets each timed step's wall milliseconds.
     *
     * @param threads libtorch intra-op threads, or 0 for libtorch's default (one per core)
     * @param profile where to write libtorch's profiler trace (Chrome trace JSON) of the last timed step, or null
     */
    public static Result run(
            BenchCase benchCase,
            int steps,
            int warmup,
            int batch,
            int size,
            int threads,
            Path profile,
            Consumer<Double> progress) {
        return run(benchCase, steps, warmup, batch, size, threads, 1, profile, progress);
    }

    /**
     * As above, with the batch split across {@code replicas} data-parallel replicas of the pair, each in its own
     * thread ({@link DataParallelStep}); the CPU time is then the calling (waiting) thread's only.
     */
    public static Result run(
            BenchCase benchCase,
            int steps,
            int warmup,
            int batch,
            int size,
            int threads,
            int replicas,
            Path profile,
            Consumer<Double> progress) {
        if (steps < 1 || warmup < 0 || threads < 0) {
            throw new IllegalArgumentException("steps=" + steps + " must be positive, warmup=" + warmup
                    + " and threads=" + threads + " non-negative");
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[] millis = new double[steps];
        double[] cpuMillis = new double[steps];
        try (NDManager base = Devices.newManager(); // loads libtorch
                SyntheticDistillation distillation =
                        threaded(threads, () -> benchCase.build(base, batch, size, replicas))) {
            for (int s = 0; s < warmup; s++) {
                distillation.step(s, 1e-3);
            }
            for (int s = 0; s < steps; s++) {
                boolean profiled = profile != null && s == steps - 1;
                if (profiled) {
                    JniUtils.startProfile(false, true, false);
                }
                long cpuStart = cpu.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                distillation.step(warmup + s, 1e-3);
                millis[s] = (System.nanoTime() - start) / 1e6;
                cpuMillis[s] = (cpu.getCurrentThreadCpuTime() - cpuStart) / 1e6;
                if (profiled) {
                    JniUtils.stopProfile(profile.toString());
                }
                progress.accept(millis[s]);
            }
        }
        return new Result(benchCase, batch, size, millis, cpuMillis, ProcessMemory.peakRssKiB());
    }

    /** Sets libtorch's intra-op threads first (when positive), then builds. */
    private static SyntheticDistillation threaded(
            int threads, java.util.function.Supplier<SyntheticDistillation> build) {
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        return build.get();
    }
}
