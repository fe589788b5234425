package e2kd.cli;

import e2kd.bench.Bench;
import e2kd.bench.BenchCase;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code e2kd bench}: images per second of full distillation steps on random data. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time full distillation steps (teacher, explanations, loss, backward, Adam) on random data; "
                + "the last line is images_per_second=N.")
final class BenchCommand implements Callable<Integer> {
    @Option(
            names = "--case",
            required = true,
            description = "bcos-r34-r18, std-r34-r18-gradcam, kd-r34-r18 or bcos-r34-r18-every4.")
    String caseName;

    @Option(names = "--steps", defaultValue = "20", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch", description = "Batch size (default: the case's).")
    Integer batch;

    @Option(names = "--size", description = "Image size in pixels (default: the case's).")
    Integer size;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "libtorch intra-op threads (default: libtorch's, i.e. OMP_NUM_THREADS, which ./e2kd "
                    + "sets to the CPUs free at start).")
    int threads;

    @Option(
            names = "--devices",
            defaultValue = "1",
            description =
                    "N > 1: time N data-parallel CPU replicas with one "
                            + "libtorch thread each against one replica with N threads (the same global batch) and print both "
                            + "throughputs and scaling_efficiency, their ratio; --threads does not apply (default ${DEFAULT-VALUE}).")
    int devices;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @Option(
            names = "--profile",
            description = "Write libtorch's profiler trace (Chrome JSON) of the last timed step here.")
    java.nio.file.Path profile;

    @Override
    public Integer call() {
        BenchCase c = BenchCase.named(caseName);
        int b = batch == null ? c.defaultBatch() : batch;
        int s = size == null ? c.defaultSize() : size;
        if (b < 1 || s < 1) {
            throw new IllegalArgumentException("--batch=" + b + " and --size=" + s + " must be positive");
        }
        java.io.PrintStream text = output.text();
        text.printf(
                Locale.ROOT,
                "case %s: batch %d, %dx%d px, %d warm-up + %d timed steps%s%n",
                c.label(),
                b,
                s,
                s,
                warmup,
                steps,
                c.target() ? "" : " (semantics changed: not a target case)");
        if (devices < 1) {
            throw new IllegalArgumentException("--devices=" + devices + " must be at least 1");
        }
        if (devices > 1) {
            return scaling(c, b, s);
        }
        Bench.Result r = Bench.run(
                c, steps, warmup, b, s, threads, profile, ms -> text.printf(Locale.ROOT, "step_ms=%.1f%n", ms));
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("median_step_ms", r.medianStepMillis());
        fields.put("median_step_cpu_ms", r.medianStepCpuMillis());
        fields.put("peak_rss_mib", r.peakRssKiB() / 1024.0);
        fields.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        for (String v : new String[] {"OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
            fields.put(v.toLowerCase(Locale.ROOT), System.getenv().getOrDefault(v, "unset"));
        }
        fields.put("images_per_second", r.imagesPerSecond());
        if (output.json) {
            com.fasterxml.jackson.databind.node.ObjectNode o = JsonOption.object()
                    .put("case", c.label())
                    .put("batch", b)
                    .put("size", s)
                    .put("warmup", warmup);
            java.util.Arrays.stream(r.stepMillis()).forEach(o.putArray("step_ms")::add);
            fields.forEach((k, v) -> o.putPOJO(k, v));
            JsonOption.print(o);
        } else {
            fields.forEach((k, v) -> System.out.println(k + "="
                    + (v instanceof Double d
                            ? String.format(Locale.ROOT, k.equals("images_per_second") ? "%.2f" : "%.1f", d)
                            : v)));
        }
        return 0;
    }

    /**
     * {@code devices} replicas × 1 libtorch thread, then 1 replica × {@code devices} threads, on the same global batch;
     * scaling_efficiency = the first throughput / the second.
     */
    private int scaling(BenchCase c, int b, int s) {
        ai.djl.engine.Engine.getInstance(); // loads libtorch, whose thread count this reads
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try {
            return compare(c, b, s);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
        }
    }

    private int compare(BenchCase c, int b, int s) {
        java.io.PrintStream text = output.text();
        text.printf(Locale.ROOT, "data parallel: %d replicas x 1 libtorch thread%n", devices);
        Bench.Result parallel = Bench.run(
                c, steps, warmup, b, s, 1, devices, null, ms -> text.printf(Locale.ROOT, "step_ms=%.1f%n", ms));
        text.printf(Locale.ROOT, "one replica x %d libtorch threads%n", devices);
        Bench.Result single = Bench.run(
                c, steps, warmup, b, s, devices, 1, null, ms -> text.printf(Locale.ROOT, "step_ms=%.1f%n", ms));
        double efficiency = parallel.imagesPerSecond() / single.imagesPerSecond();
        output.print(
                JsonOption.object()
                        .put("case", c.label())
                        .put("batch", b)
                        .put("size", s)
                        .put("devices", devices)
                        .put("data_parallel_images_per_second", parallel.imagesPerSecond())
                        .put("one_replica_images_per_second", single.imagesPerSecond())
                        .put("scaling_efficiency", efficiency)
                        .put("images_per_second", parallel.imagesPerSecond()),
                String.format(
                        Locale.ROOT,
                        "data_parallel_images_per_second=%.2f%none_replica_images_per_second=%.2f%n"
                                + "scaling_efficiency=%.3f%nimages_per_second=%.2f",
                        parallel.imagesPerSecond(),
                        single.imagesPerSecond(),
                        efficiency,
                        parallel.imagesPerSecond()));
        return 0;
    }
}
