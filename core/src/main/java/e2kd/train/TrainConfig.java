package e2kd.train;

import e2kd.data.PerClass;
import e2kd.distill.Criteria;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Labelling;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's resolved configuration; YAML keys are the snake_case component names (defaults in
 * {@code e2kd/train/defaults.yaml}). {@code method} is {@code labels} (training from labels), {@code kd},
 * {@code e2kd}, or their frozen-teacher variants {@code kd-frozen} / {@code e2kd-frozen} (teacher outputs read from
 * {@code frozen_dir}, written by {@code e2kd precompute}); {@code clip} and {@code explainer} {@code auto} pick by
 * model family (B-cos: agc / bcos, standard: none / gradcam). {@code teacher} is a run directory, an e2kd checkpoint
 * or, with {@code teacher_model} (a model id) and optionally {@code teacher_model_options}, a PyTorch state dict;
 * {@code init} starts the student from such a file (a PyTorch file for {@code model}), {@code reset_head} replacing
 * its classifier; a positive {@code num_classes} must equal the data's class count. {@code threads}: libtorch
 * intra-op threads (0: libtorch's default, one per core); part of what determinism depends on. {@code eval_crop}:
 * evaluation resizes the shorter side to image_size / eval_crop and takes the centred image_size crop
 * (0.875: 256 → 224; 1: the whole image, e.g. for Fashion-MNIST at its native 28 px). {@code on_nonfinite}: what a
 * step whose loss or gradients are NaN/Inf does (the update is never applied): {@code skip} the batch and go on, or
 * {@code stop} the run (last.ckpt keeps the last good epoch); either way the batch's sample indices are logged.
 * {@code class_map}: a file mapping each data class to a teacher class ({@link ClassMap}), for a teacher of more
 * classes than the data has. {@code workers}: image-decoding threads of the training loader (results do not depend
 * on it). {@code loss}: the objective as a list of terms ({@code - {name: kd, weight: 1, tau: 4}}, names from
 * {@link Criteria}); when the config gives none it is filled in from {@code method} and its keys when resolved.
 * {@code data}: {@code fashion-mnist}, {@code image-folder}, {@code waterbirds} or {@code voc} (PASCAL VOC,
 * multi-label: methods kd and e2kd then mean {@code sigmoid_kd}, labels train with binary cross-entropy, METHOD.md §7).
 * {@code device}: {@code auto} (a GPU when DJL sees one, else the CPU), {@code cpu}, {@code gpu} or {@code gpu:N}
 * ({@link e2kd.nn.Devices}). {@code devices}: data-parallel replicas, a count N (N replicas of the CPU, or GPUs 0 to
 * N-1) or a list of GPU numbers ({@link DataParallelStep}); 1 trains on the run's device alone.
 */
public record TrainConfig(
        String model,
        String modelOptions,
        String data,
        String dataDir,
        int imageSize,
        String shotsPerClass,
        String valPerClass,
        int testLimit,
        long seed,
        int epochs,
        int batch,
        String optimizer,
        double lr,
        double weightDecay,
        double momentum,
        int warmupEpochs,
        String clip,
        double clipValue,
        int evalEvery,
        int logEvery,
        double scaleMin,
        double scaleMax,
        double mixupAlpha,
        String method,
        String teacher,
        String teacherModel,
        String teacherModelOptions,
        String init,
        boolean resetHead,
        int numClasses,
        String explainer,
        double tau,
        double lambda,
        double gamma,
        int guidedEvery,
        String frozenDir,
        boolean skipBadImages,
        int threads,
        double evalCrop,
        String onNonfinite,
        List<Map<String, Object>> loss,
        String classMap,
        int workers,
        String device,
        String devices)
        implements java.io.Serializable {
    private static final String OWN = "own";
    public static final Set<String> OPTIMIZERS = Set.of("adam", "adamw", "sgd");
    /** The {@code data} value of the PASCAL VOC layout, the multi-label format. */
    public static final String VOC = "voc";

    public static final Set<String> DATA = Set.of("fashion-mnist", "image-folder", "waterbirds", VOC);

    /** The keys that name files or folders a run reads, with their values: what a run on another machine needs. */
    public static final Map<String, java.util.function.Function<TrainConfig, String>> INPUTS = Map.of(
            "data_dir", TrainConfig::dataDir,
            "teacher", TrainConfig::teacher,
            "init", TrainConfig::init,
            "frozen_dir", TrainConfig::frozenDir,
            "class_map", TrainConfig::classMap);

    public TrainConfig {
        Method parsed = Method.parse(method);
        loss = loss == null ? List.of() : List.copyOf(loss);
        loss.forEach(entry -> Criteria.check(CriterionSpec.fromMap(entry).name()));
        oneOf("optimizer", optimizer, OPTIMIZERS);
        oneOf("data", data, DATA);
        oneOf("clip", clip, Set.of("auto", "none", "agc", "norm"));
        oneOf("explainer", explainer, Set.of("auto", "bcos", "gradcam", "ixg"));
        oneOf("on_nonfinite", onNonfinite, Set.of("skip", "stop"));
        positive("epochs", epochs);
        positive("batch", batch);
        positive("image_size", imageSize);
        PerClass.parse(shotsPerClass, "config shots_per_class");
        if (!OWN.equals(valPerClass)
                && PerClass.parse(valPerClass, "config val_per_class").kind() == PerClass.Kind.ALL) {
            throw new IllegalArgumentException("config val_per_class=all is not valid; expected a count, a fraction or "
                    + OWN + " (the data set's own validation split)");
        }
        positive("eval_every", evalEvery);
        positive("workers", workers);
        positive("guided_every", guidedEvery);
        if (!(lr > 0)) {
            throw new IllegalArgumentException("config lr=" + lr + " must be positive");
        }
        if (warmupEpochs < 0 || testLimit < 0 || logEvery < 0 || numClasses < 0 || threads < 0) {
            throw new IllegalArgumentException(
                    "config warmup_epochs, test_limit, log_every, num_classes and threads " + "must be >= 0");
        }
        if (resetHead && init.isBlank()) {
            throw new IllegalArgumentException("config reset_head needs init (--init FILE)");
        }
        if (!(evalCrop > 0 && evalCrop <= 1)) {
            throw new IllegalArgumentException("config eval_crop=" + evalCrop + " must be in (0, 1]");
        }
        Method.TeacherSource source = parsed.teacher();
        if (source == Method.TeacherSource.FROZEN && frozenDir.isBlank()) {
            throw new IllegalArgumentException(
                    "method " + method + " needs frozen_dir (--frozen DIR from e2kd precompute)");
        }
        if (source == Method.TeacherSource.FROZEN && mixupAlpha != 0) {
            throw new IllegalArgumentException("config mixup_alpha=" + mixupAlpha + " needs a live teacher; the stored "
                    + "logits of method " + method + " cannot be mixed");
        }
        boolean labels = source == Method.TeacherSource.NONE;
        if (!labels && mixupAlpha < 0 || labels && mixupAlpha != 0) {
            throw new IllegalArgumentException("config mixup_alpha=" + mixupAlpha
                    + " is not supported here; mixup needs method kd or e2kd and alpha >= 0");
        }
    }

    /** Training samples per class ({@code shots_per_class}: a count, a fraction or {@code all}). */
    public PerClass shots() {
        return PerClass.parse(shotsPerClass, "config shots_per_class");
    }

    /** Whether validation is the data set's own validation split ({@code val_per_class: own}). */
    public boolean ownValidation() {
        return OWN.equals(valPerClass);
    }

    /** Validation samples per class taken from the training data (not with {@link #ownValidation()}). */
    public PerClass validation() {
        if (ownValidation()) {
            throw new IllegalStateException("val_per_class=own takes the data set's validation split");
        }
        return PerClass.parse(valPerClass, "config val_per_class");
    }

    /** Where the teacher's outputs come from (none, live, or stored in {@code frozen_dir}). */
    public Method.TeacherSource teacherSource() {
        return Method.parse(method).teacher();
    }

    /** Whether the student learns from a teacher (kd, e2kd and their frozen variants). */
    public boolean distills() {
        return teacherSource() != Method.TeacherSource.NONE;
    }

    /** Whether the teacher's outputs are read from {@code frozen_dir} instead of computed live. */
    public boolean frozen() {
        return teacherSource() == Method.TeacherSource.FROZEN;
    }

    /**
     * The objective's terms: the {@code loss:} list as given, or (when empty) what {@code method} expands
     * {@code tau} / {@code lambda} / {@code gamma} / {@code guided_every} to ({@link ConfigLoader#resolve} fills it in).
     */
    public List<CriterionSpec> lossTerms() {
        if (loss.isEmpty()) {
            return Method.parse(method).defaultLoss(labelling(), tau, lambda, gamma, guidedEvery);
        }
        return loss.stream().map(CriterionSpec::fromMap).toList();
    }

    /**
     * Whether the data {@code data} names is multi-label (PASCAL VOC), as known before it is opened: what methods kd
     * and e2kd expand to. A run's label loss and explained class follow the opened data set ({@code Trainer}).
     */
    public Labelling labelling() {
        return Labelling.of(VOC.equals(data));
    }

    /** The model options as a map (from {@code "stem=small,base=8"}). */
    public Map<String, String> modelOptionMap() {
        return optionMap("model_options", modelOptions);
    }

    /** The teacher's model options as a map (for a PyTorch teacher file). */
    public Map<String, String> teacherModelOptionMap() {
        return optionMap("teacher_model_options", teacherModelOptions);
    }

    private static Map<String, String> optionMap(String key, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("config " + key + " entry '" + part.trim() + "' is not key=value");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    private static void oneOf(String key, String value, Set<String> valid) {
        if (!valid.contains(value)) {
            throw new IllegalArgumentException("config " + key + "=" + value + " is not valid; expected one of "
                    + String.join(", ", valid.stream().sorted().toList()));
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("config " + key + "=" + value + " must be at least 1");
        }
    }
}
