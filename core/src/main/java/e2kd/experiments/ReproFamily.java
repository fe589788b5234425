package e2kd.experiments;

import e2kd.data.FashionMnist;
import e2kd.train.Method;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model family of the Fashion-MNIST suites ({@code fewshot}, {@code frozen}) and its teacher: a wider model of the
 * same family trained from labels for one epoch on the whole training set but {@link #TEACHER_VAL} images per class
 * (with {@code --quick}, 10 images per class), cached as {@code DIR/teachers/fmnist-NAME}.
 *
 * @param name      short name (teacher folder, run folders)
 * @param title     table label
 * @param model     model id of teacher and student
 * @param explainer e²KD's explanation: GradCAM for standard ResNets, W(x) for B-cos (paper Sec. 3)
 * @param imageSize input size of teacher and students in pixels, 0 for the presets' 28 (Fashion-MNIST's own)
 */
record ReproFamily(String name, String title, String model, String explainer, int imageSize) {
    static final ReproFamily STANDARD = new ReproFamily("std", "ResNet-18 + GradCAM", "resnet18", "gradcam", 0);
    static final ReproFamily BCOS = new ReproFamily("bcos", "B-cos ResNet-18 + W(x)", "bcos_resnet18", "bcos", 0);
    static final List<ReproFamily> ALL = List.of(STANDARD, BCOS);
    static final int TEACHER_VAL = 10;

    /**
     * The family called {@code name} ({@code std} or {@code bcos}).
     *
     * @throws IllegalArgumentException naming the valid names
     */
    static ReproFamily named(String name) {
        return ALL.stream()
                .filter(f -> f.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("family '" + name + "' is not a family of the "
                        + "Fashion-MNIST suites; expected one of "
                        + String.join(", ", ALL.stream().map(ReproFamily::name).toList())));
    }

    /**
     * This family with teacher and students trained and tested on images upsampled to {@code px} × {@code px}
     * (a variant of its own: teacher folder, run folders and table rows carry the size). The small stem and layer 1
     * keep the resolution and layers 2 to 4 halve it, so layer 4 sees ⌈px / 8⌉ × ⌈px / 8⌉: 4 × 4 at 28 px, 7 × 7
     * (the paper's GradCAM maps at 224 px) from 49 to 56 px.
     */
    ReproFamily at(int px) {
        if (px < 8) {
            throw new IllegalArgumentException("image size " + px + " px is too small; expected at least 8");
        }
        return new ReproFamily(name + "-" + px + "px", title + " at " + px + " px", model, explainer, px);
    }

    /** The cached (or newly trained) teacher run folder. */
    Path teacher(ReproRuns r) throws IOException {
        return r.teacher("fmnist-" + name, teacherConfig(r));
    }

    /** The teacher's config: the whole training set but {@link #TEACHER_VAL} images per class, one epoch. */
    TrainConfig teacherConfig(ReproRuns r) {
        int perClass = Arrays.stream(countsPerClass(r.fashionMnist())).min().orElse(0) - TEACHER_VAL;
        boolean bcos = BCOS.model.equals(model);
        return r.config(
                "fmnist-teacher",
                sized(List.of(
                        "model=" + model,
                        "model_options=" + r.teacherOptions(),
                        "data_dir=" + r.fashionMnistDir(),
                        "shots_per_class=" + r.count(perClass, 10),
                        "val_per_class=" + r.count(TEACHER_VAL, 2),
                        "epochs=" + r.epochs(1),
                        "test_limit=" + r.count(2000, 50),
                        "explainer=" + explainer,
                        "clip=" + (bcos ? "agc" : "none"),
                        "lr=" + (bcos ? 0.001 : 0.003))));
    }

    /**
     * A student of this family on Fashion-MNIST: {@code shots} per class, {@code method} labels (no teacher) / kd /
     * e2kd / kd-frozen / e2kd-frozen, 40 epochs below 50 shots per class, 12 from there up (so the larger set trains
     * 1.5× as many images, not 5×; λ = 1, τ = 1 as preset fmnist-e2kd), then {@code extra}.
     */
    TrainConfig student(ReproRuns r, Path teacher, String method, int shots, int seed, List<String> extra) {
        List<String> sets = new ArrayList<>(List.of(
                "model=" + model,
                "model_options=" + r.studentOptions(),
                "explainer=" + explainer,
                "clip=auto",
                "data_dir=" + r.fashionMnistDir(),
                "method=" + method,
                "teacher=" + (Method.parse(method).teacher() == Method.TeacherSource.NONE ? "" : teacher),
                "shots_per_class=" + shots,
                "val_per_class=" + r.count(10, 2),
                "seed=" + seed,
                "epochs=" + r.epochs(shots >= 50 ? 12 : 40),
                "warmup_epochs=" + r.count(2, 0),
                "eval_every=" + r.count(5, 1),
                "test_limit=" + r.count(2000, 50)));
        sets.addAll(extra);
        return r.config("fmnist-e2kd", sized(sets));
    }

    /** {@code sets}, then this variant's {@code image_size} if it has one. */
    private List<String> sized(List<String> sets) {
        return imageSize == 0 ? sets : ReproRuns.concat(sets, List.of("image_size=" + imageSize));
    }

    private static int[] countsPerClass(FashionMnist f) {
        int[] counts = new int[FashionMnist.CLASS_NAMES.size()];
        for (int label : f.train().labels()) {
            counts[label]++;
        }
        return counts;
    }
}
