package e2kd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.distill.Distiller;
import e2kd.distill.Objective;
import e2kd.explain.BcosExplainer;
import e2kd.nn.BcosResNet;
import e2kd.nn.Models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Memory soak: many e²KD steps (tiny B-cos ResNet-18 teacher and student, 32 px, random data) while sampling the
 * number of live NDArrays and the process RSS. Proves that steps release everything they allocate.
 */
public final class Soak {
    /** One sample: after {@code step} steps; {@code skippedSteps}: steps so far whose loss or gradients were not finite. */
    public record Sample(long step, int liveArrays, long rssKiB, double loss, long skippedSteps) {}

    private Soak() {}

    public static List<Sample> run(int steps, int batch, int every, Consumer<Sample> progress) {
        List<Sample> samples = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            Map<String, String> tiny = Map.of("stem", "small", "base", "8");
            BcosResNet teacher = (BcosResNet) Models.create("bcos_resnet18", 10, tiny, base);
            BcosResNet student = (BcosResNet) Models.create("bcos_resnet18", 10, tiny, base);
            student.setTraining(true);
            Distiller distiller = new Distiller(teacher, new BcosExplainer(teacher), student,
                    new BcosExplainer(student), new Objective(1, 1, 0, null), 1);
            DistillStep step = new DistillStep(distiller, student, new Adam(0, false));
            double loss = Double.NaN;
            long skipped = 0;
            for (long s = 0; s < steps; s++) {
                try (NDManager scope = base.newSubManager()) {
                    NDArray x = scope.randomUniform(0, 1, new Shape(batch, 3, 32, 32));
                    NDArray encoded = x.concat(x.neg().add(1), 1);
                    NDArray labels = scope.randomInteger(0, 10, new Shape(batch), ai.djl.ndarray.types.DataType.INT64);
                    StepResult result = step.run(encoded, labels, s, 1e-3);
                    loss = result.total();
                    skipped += result.skipped() ? 1 : 0;
                }
                if ((s + 1) % every == 0) {
                    Sample sample = new Sample(s + 1, base.getManagedArrays().size(), rssKiB(), loss, skipped);
                    samples.add(sample);
                    progress.accept(sample);
                }
            }
        }
        return samples;
    }

    /** Resident set size of this process (Linux /proc), KiB; −1 where unavailable. */
    public static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
