package e2kd.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark cases of {@code e2kd bench}: a ResNet-34 teacher distilled into a ResNet-18 student with the
 * standard ImageNet widths (base 64) and stem, or the paper's B-cos DenseNet-169 → B-cos ViT-Ti; 1000 classes, τ = 1. {@code target} cases have the semantics of
 * the paper (explanation every step, live teacher); the others change them and are reported for information only.
 *
 * @param lambda      weight of the explanation term (0 = plain KD, no explanation computed)
 * @param guidedEvery explanation term every K-th step
 */
public enum BenchCase {
    /** B-cos ResNet-34 → B-cos ResNet-18, W(x) by the explicit transposed pass, 64×64, batch 16. */
    BCOS_R34_R18("bcos-r34-r18", "bcos_resnet34", "bcos_resnet18", 64, 16, 1, 1, true),
    /** torchvision ResNet-34 → ResNet-18, closed-form GradCAM at layer4, 224×224, batch 8. */
    STD_R34_R18_GRADCAM("std-r34-r18-gradcam", "resnet34", "resnet18", 224, 8, 1, 1, true),
    /** torchvision ResNet-34 → ResNet-18, plain KD (no explanations), 224×224, batch 8. */
    KD_R34_R18("kd-r34-r18", "resnet34", "resnet18", 224, 8, 0, 1, true),
    /** As bcos-r34-r18 with the explanation term every 4th step only (changes the semantics; not a target). */
    BCOS_R34_R18_EVERY4("bcos-r34-r18-every4", "bcos_resnet34", "bcos_resnet18", 64, 16, 1, 4, false),
    /** B-cos DenseNet-169 → B-cos ViT-Ti (patch 16, dim 192, depth 12, 3 heads), W(x) every step, 224×224, batch 8. */
    BCOS_D169_VITTI("bcos-d169-vitti", "bcos_densenet169", "bcos_vit_ti", 224, 8, 1, 1, true);

    public static final int CLASSES = 1000;

    private final String label;
    private final String teacher;
    private final String student;
    private final int size;
    private final int batch;
    private final double lambda;
    private final int guidedEvery;
    private final boolean target;

    BenchCase(
            String label,
            String teacher,
            String student,
            int size,
            int batch,
            double lambda,
            int guidedEvery,
            boolean target) {
        this.label = label;
        this.teacher = teacher;
        this.student = student;
        this.size = size;
        this.batch = batch;
        this.lambda = lambda;
        this.guidedEvery = guidedEvery;
        this.target = target;
    }

    /** The case by its command-line name, e.g. {@code bcos-r34-r18}. */
    public static BenchCase named(String name) {
        return Arrays.stream(values())
                .filter(c -> c.label.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown bench case '" + name + "'; valid cases: "
                        + Arrays.stream(values()).map(BenchCase::label).collect(Collectors.joining(", "))));
    }

    public String label() {
        return label;
    }

    public int defaultSize() {
        return size;
    }

    public int defaultBatch() {
        return batch;
    }

    /** Whether the case keeps the paper's semantics (and so counts toward the speed targets). */
    public boolean target() {
        return target;
    }

    /**
     * The teacher/student pair on random data, built in {@code base}, over {@code replicas} data-parallel replicas:
     * CNNs with the ImageNet stem and base 64, a ViT with its layout's defaults and {@code image} = the bench's size.
     */
    SyntheticDistillation build(ai.djl.ndarray.NDManager base, int batchSize, int imageSize, int replicas) {
        return new SyntheticDistillation(
                base,
                teacher,
                options(teacher, imageSize),
                student,
                options(student, imageSize),
                CLASSES,
                batchSize,
                imageSize,
                lambda,
                guidedEvery,
                replicas);
    }

    private static Map<String, String> options(String model, int imageSize) {
        return model.contains("vit")
                ? Map.of("image", Integer.toString(imageSize))
                : Map.of("stem", "imagenet", "base", "64");
    }
}
