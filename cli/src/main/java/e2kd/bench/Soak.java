package e2kd.bench;

import ai.djl.ndarray.NDManager;
import e2kd.nn.Devices;
import e2kd.train.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Memory soak: many e²KD steps (a ResNet-18 teacher and student, B-cos or standard, with a small stem and base width
 * {@code width}, 32 px, random data) while sampling the number of live NDArrays and the process RSS. Proves that
 * steps release everything they allocate; width 64 (ImageNet widths) also runs the matrix-product convolutions of
 * wide B-cos layers and, for standard ResNets, the channels-last layout with its per-step weight copies.
 */
public final class Soak {
    /** One sample: after {@code step} steps; {@code skippedSteps}: steps so far whose loss or gradients were not finite. */
    public record Sample(long step, int liveArrays, long rssKiB, double loss, long skippedSteps) {}

    private Soak() {}

    /** @param model {@code bcos_resnet18} (explanations W(x)) or {@code resnet18} (GradCAM) for both teacher and student */
    public static List<Sample> run(
            String model, int steps, int batch, int width, int every, Consumer<Sample> progress) {
        List<Sample> samples = new ArrayList<>();
        try (NDManager base = Devices.newManager()) {
            Map<String, String> options = Map.of("stem", "small", "base", String.valueOf(width));
            SyntheticDistillation distillation =
                    new SyntheticDistillation(base, model, options, model, options, 10, batch, 32, 1, 1);
            double loss = Double.NaN;
            long skipped = 0;
            for (long s = 0; s < steps; s++) {
                StepResult result = distillation.step(s, 1e-3);
                loss = result.total();
                skipped += result.skipped() ? 1 : 0;
                if ((s + 1) % every == 0) {
                    Sample sample =
                            new Sample(s + 1, base.getManagedArrays().size(), ProcessMemory.rssKiB(), loss, skipped);
                    samples.add(sample);
                    progress.accept(sample);
                }
            }
        }
        return samples;
    }
}
