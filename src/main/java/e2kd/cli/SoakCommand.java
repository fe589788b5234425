package e2kd.cli;

import e2kd.train.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code e2kd soak}: many e²KD steps while watching live arrays and RSS. */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run many e2KD steps on tiny B-cos nets and report live NDArrays and RSS (memory-leak check).")
final class SoakCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "2000", description = "Steps to run (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--every", defaultValue = "100", description = "Report every N steps (default ${DEFAULT-VALUE}).")
    int every;

    @Override
    public Integer call() {
        if (steps < 1 || batch < 1 || every < 1) {
            throw new IllegalArgumentException("--steps, --batch and --every must be positive");
        }
        System.out.println("step  live_arrays  rss_mib  loss  skipped");
        List<Soak.Sample> samples = Soak.run(steps, batch, every, s -> System.out.printf("%5d  %11d  %7.1f  %.4f  %d%n",
                s.step(), s.liveArrays(), s.rssKiB() / 1024.0, s.loss(), s.skippedSteps()));
        // After warm-up (allocator pools, JIT): step 200 of a long run, the middle of a short one.
        long warm = steps >= 400 ? 200 : steps * 3 / 5;
        Soak.Sample first = samples.stream().filter(s -> s.step() >= warm).findFirst().orElse(samples.get(0));
        Soak.Sample last = samples.get(samples.size() - 1);
        System.out.printf("live arrays: %d at step %d, %d at step %d%n", first.liveArrays(), first.step(),
                last.liveArrays(), last.step());
        System.out.printf("rss growth after step %d: %+.2f%%%n", first.step(),
                100.0 * (last.rssKiB() - first.rssKiB()) / first.rssKiB());
        return 0;
    }
}
