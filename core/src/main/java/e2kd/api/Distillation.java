package e2kd.api;

import com.fasterxml.jackson.databind.JsonNode;
import e2kd.data.LabeledDataset;
import e2kd.distill.CriterionSpec;
import e2kd.distill.Labelling;
import e2kd.train.ConfigLoader;
import e2kd.train.Method;
import e2kd.train.Progress;
import e2kd.train.Splits;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A distillation run from Java: a teacher, a student, the caller's own data sets and the objective's terms.
 * <pre>{@code
 * Distillation.Result r = Distillation.builder()
 *         .teacher(Path.of("runs/teacher"))
 *         .student("bcos_resnet18", Map.of("stem", "small", "base", "8"))
 *         .data(train, val, test)                    // any LabeledDataset
 *         .term("kd", 1, Map.of("tau", 4))
 *         .term("explanation", 5, Map.of())
 *         .set("epochs", 3)
 *         .run(Path.of("runs/api"));
 * }</pre>
 * Anything not set comes from the config defaults (docs: README, "Objectives"); {@link #set} takes any config key.
 * Without terms the objective is e²KD's with the config's τ and λ, its KD term the one of the data's labelling
 * ({@code sigmoid_kd} for multi-label data sets, METHOD.md §7).
 */
public final class Distillation {
    private final Map<String, Object> sets = new LinkedHashMap<>();
    private final List<CriterionSpec> terms = new ArrayList<>();
    private Splits splits;
    private Progress progress = Progress.quiet();

    private Distillation() {
        sets.put("method", Method.E2KD.id());
    }

    public static Distillation builder() {
        return new Distillation();
    }

    /** The result of a finished run: its folder and summary.json. */
    public record Result(Path dir, JsonNode summary) {
        public double top1() {
            return summary.path("top1").asDouble();
        }

        public double agreement() {
            return summary.path("agreement").asDouble();
        }

        public double explanationSimilarity() {
            return summary.path("explanation_similarity").asDouble();
        }
    }

    /** A run directory (its best.ckpt) or an e2kd checkpoint. */
    public Distillation teacher(Path teacher) {
        return set("teacher", teacher.toString());
    }

    /** A PyTorch state dict of model {@code modelId}. */
    public Distillation teacher(Path pth, String modelId) {
        set("teacher_model", modelId);
        return teacher(pth);
    }

    /** The student's model id and options (e.g. {@code stem=small}, {@code base=8}). */
    public Distillation student(String modelId, Map<String, String> options) {
        set("model", modelId);
        return set(
                "model_options",
                options.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(",")));
    }

    /** The caller's data: all of {@code train} is trained on, {@code val} selects the best epoch, {@code test} is reported. */
    public Distillation data(LabeledDataset train, LabeledDataset val, LabeledDataset test) {
        this.splits = Splits.of(train, val, test);
        return this;
    }

    /** One term of the objective: a registered criterion name, its weight and parameters. */
    public Distillation term(String name, double weight, Map<String, Object> params) {
        terms.add(new CriterionSpec(name, weight, params));
        return this;
    }

    /** Any config key (as in a YAML config), e.g. {@code epochs}, {@code batch}, {@code image_size}, {@code threads}. */
    public Distillation set(String key, Object value) {
        sets.put(key, value);
        return this;
    }

    /** Progress lines on stderr every {@code every} steps (default: silent). */
    public Distillation progress(int every) {
        this.progress = new Progress(System.err, every, false);
        return this;
    }

    /** Trains into {@code out} and returns the result. */
    public Result run(Path out) {
        List<String> assignments = new ArrayList<>();
        sets.forEach((key, value) -> assignments.add(key + "=" + value));
        if (!terms.isEmpty()) {
            assignments.add(loss(terms));
        }
        TrainConfig config = ConfigLoader.defaults().set(assignments).resolve();
        if (terms.isEmpty() && splits != null) {
            // the caller's data, not the config's data value, tells whether it is multi-label (METHOD.md §7)
            List<CriterionSpec> expanded = Method.parse(config.method())
                    .defaultLoss(
                            Labelling.of(splits.train()),
                            config.tau(),
                            config.lambda(),
                            config.gamma(),
                            config.guidedEvery());
            assignments.add(loss(expanded));
            config = ConfigLoader.defaults().set(assignments).resolve();
        }
        Trainer trainer =
                splits == null ? new Trainer(config, out, progress) : new Trainer(config, out, progress, c -> splits);
        try {
            return new Result(out, trainer.run(false, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The assignment {@code loss=[...]} of {@code terms}. */
    private static String loss(List<CriterionSpec> terms) {
        return "loss=[" + terms.stream().map(t -> flow(t.toMap())).collect(Collectors.joining(", ")) + "]";
    }

    /** A term as a YAML flow mapping. */
    private static String flow(Map<String, Object> term) {
        return term.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
