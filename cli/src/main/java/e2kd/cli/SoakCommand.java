package e2kd.cli;

import e2kd.bench.Soak;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code e2kd soak}: many e²KD steps while watching live arrays and RSS. */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = "Run many e2KD steps on small ResNet-18s and report live NDArrays and RSS (memory-leak check).")
final class SoakCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            defaultValue = "bcos_resnet18",
            description = "Teacher and student: bcos_resnet18 or resnet18 (GradCAM) (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--steps", defaultValue = "2000", description = "Steps to run (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--width",
            defaultValue = "8",
            description = "Base width of both ResNet-18s (default ${DEFAULT-VALUE}; 64: ImageNet widths).")
    int width;

    @Option(names = "--every", defaultValue = "100", description = "Report every N steps (default ${DEFAULT-VALUE}).")
    int every;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @Override
    public Integer call() {
        if (steps < 1 || batch < 1 || width < 1 || every < 1) {
            throw new IllegalArgumentException("--steps, --batch, --width and --every must be positive");
        }
        if (!List.of("bcos_resnet18", "resnet18").contains(model)) {
            throw new IllegalArgumentException("--model must be bcos_resnet18 or resnet18, not '" + model + "'");
        }
        java.io.PrintStream text = output.text();
        text.println("step  live_arrays  rss_mib  loss  skipped");
        List<Soak.Sample> samples = Soak.run(
                model,
                steps,
                batch,
                width,
                every,
                s -> text.printf(
                        "%5d  %11d  %7.1f  %.4f  %d%n",
                        s.step(), s.liveArrays(), s.rssKiB() / 1024.0, s.loss(), s.skippedSteps()));
        // After warm-up (allocator pools, JIT): step 200 of a long run, the middle of a short one. RSS moves up and
        // down by a few MiB as malloc reuses memory, so growth compares peaks: the later half's highest RSS against
        // the earlier half's (a per-step leak raises every later peak).
        long warm = steps >= 400 ? 200 : steps * 3 / 5;
        List<Soak.Sample> after = samples.stream().filter(s -> s.step() >= warm).toList();
        if (after.size() < 2) {
            throw new IllegalArgumentException(
                    "--every " + every + " leaves fewer than two samples after step " + warm);
        }
        List<Soak.Sample> earlier = after.subList(0, after.size() / 2);
        List<Soak.Sample> later = after.subList(after.size() / 2, after.size());
        Soak.Sample first = after.get(0);
        Soak.Sample last = after.get(after.size() - 1);
        long before = peak(earlier);
        double growth = 100.0 * (peak(later) - before) / before;
        com.fasterxml.jackson.databind.node.ObjectNode result = JsonOption.object()
                .put("model", model)
                .put("steps", steps)
                .put("batch", batch)
                .put("width", width)
                .put("warm_step", first.step())
                .put("live_arrays_first", first.liveArrays())
                .put("live_arrays_last", last.liveArrays())
                .put("rss_peak_earlier_mib", before / 1024.0)
                .put("rss_peak_later_mib", peak(later) / 1024.0)
                .put("rss_growth_percent", growth);
        com.fasterxml.jackson.databind.node.ArrayNode rows = result.putArray("samples");
        for (Soak.Sample s : samples) {
            rows.addObject()
                    .put("step", s.step())
                    .put("live_arrays", s.liveArrays())
                    .put("rss_mib", s.rssKiB() / 1024.0)
                    .put("loss", s.loss())
                    .put("skipped_steps", s.skippedSteps());
        }
        output.print(
                result,
                String.format(
                        "live arrays: %d at step %d, %d at step %d%n"
                                + "rss growth after step %d: %+.2f%% (peak %.1f MiB in steps %d-%d, %.1f MiB in steps %d-%d)",
                        first.liveArrays(),
                        first.step(),
                        last.liveArrays(),
                        last.step(),
                        first.step(),
                        growth,
                        before / 1024.0,
                        earlier.get(0).step(),
                        earlier.get(earlier.size() - 1).step(),
                        peak(later) / 1024.0,
                        later.get(0).step(),
                        last.step()));
        return 0;
    }

    private static long peak(List<Soak.Sample> samples) {
        return samples.stream().mapToLong(Soak.Sample::rssKiB).max().orElseThrow();
    }
}
