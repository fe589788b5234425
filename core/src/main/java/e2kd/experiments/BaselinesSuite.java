package e2kd.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import e2kd.distill.Criteria;
import e2kd.train.Method;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code reproduce --suite baselines}: e²KD against the feature- and explanation-based distillation methods the paper
 * compares with, on Fashion-MNIST students of k = 50 shots per class (3 with {@code --quick}): from labels, KD,
 * e²KD, and AT, CAT, ReviewKD and CRD each added to KD (the term whatever it transfers, on top of the same logit KD
 * e²KD builds on). τ and λ are selected as in the fewshot suite; each baseline's weight on the validation split
 * from {0.1, 1, 10} × its literature weight. The standard ResNet family as in the paper; the B-cos family as an
 * extension. Test top-1, agreement and explanation similarity with the teacher.
 */
public final class BaselinesSuite {
    /** The baselines by criterion name, in table order. */
    private static final Map<String, String> BASELINES = baselines();

    private static final double[] WEIGHT_FACTORS = {0.1, 1, 10};
    private static final List<String> COLUMNS = List.of("top-1", "agreement", "explanation similarity");

    private BaselinesSuite() {}

    private static Map<String, String> baselines() {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("at", "AT + KD");
        b.put("cat", "CAT + KD");
        b.put("reviewkd", "ReviewKD + KD");
        b.put("crd", "CRD + KD");
        return b;
    }

    public static String run(ReproRuns r) throws IOException {
        int shots = r.count(50, 3);
        List<ReproTable.Column> columns =
                COLUMNS.stream().map(c -> new ReproTable.Column(c, true)).toList();
        ReproTable table = r.table(columns);
        for (ReproFamily family : List.of(ReproFamily.STANDARD, ReproFamily.BCOS)) {
            Path teacher = family.teacher(r);
            String name = family.title() + ", k=" + shots;
            Map<String, List<String>> chosen = new LinkedHashMap<>(
                    r.selectTauLambda(name, (method, c) -> family.student(r, teacher, method, shots, 1, c)));
            double tau = Double.parseDouble(chosen.get(Method.KD.id()).get(0).substring("tau=".length()));
            for (String criterion : BASELINES.keySet()) {
                List<String> weights = r.select(
                        name + ", " + criterion,
                        List.of(weightAxis(criterion)),
                        c -> family.student(r, teacher, Method.KD.id(), shots, 1, withKd(tau, criterion, c)));
                chosen.put(criterion, withKd(tau, criterion, weights));
            }
            Map<String, String> rows = new LinkedHashMap<>();
            rows.put(Method.LABELS.id(), "from labels");
            rows.put(Method.KD.id(), "KD");
            rows.put(Method.E2KD.id(), "e2KD");
            rows.putAll(BASELINES);
            String suffix = family == ReproFamily.STANDARD ? "" : " (extension)";
            ReproRuns.Batch<String> runs = r.batch();
            for (int seed = 1; seed <= r.seeds; seed++) {
                for (Map.Entry<String, String> row : rows.entrySet()) {
                    String method = BASELINES.containsKey(row.getKey()) ? Method.KD.id() : row.getKey();
                    TrainConfig c = family.student(
                            r, teacher, method, shots, seed, chosen.getOrDefault(row.getKey(), List.of()));
                    Path dir = r.out.resolve(String.format(
                            Locale.ROOT, "runs/baselines/%s-%s-seed%d", family.name(), row.getKey(), seed));
                    String label = family.title() + suffix + ": " + row.getValue();
                    runs.add(label, dir, c, label + ", seed " + seed);
                }
            }
            runs.train("baselines", (label, run) -> {
                JsonNode summary = run.summary();
                table.add(label, "top-1", summary.path("top1").asDouble());
                if (summary.path("agreement").isNumber()) {
                    table.add(label, "agreement", summary.path("agreement").asDouble());
                    table.add(
                            label,
                            "explanation similarity",
                            summary.path("explanation_similarity").asDouble());
                }
            });
        }
        return String.format(
                        Locale.ROOT,
                        "Fashion-MNIST students of %d images per class, teacher %s, student %s: test "
                                + "top-1, top-1 agreement and explanation similarity with the teacher (%%); each baseline is added "
                                + "to KD at the selected τ, its weight selected on validation from {0.1, 1, 10} × its literature "
                                + "weight.%n%n",
                        shots,
                        r.teacherOptions(),
                        r.studentOptions())
                + table.markdown();
    }

    /** {@code weight=a,b,c}: the literature weight of {@code criterion} times 0.1, 1 and 10. */
    private static String weightAxis(String criterion) {
        double literature = Criteria.defaultWeight(criterion);
        List<String> values = new ArrayList<>();
        for (double f : WEIGHT_FACTORS) {
            values.add(BigDecimal.valueOf(f)
                    .multiply(BigDecimal.valueOf(literature))
                    .stripTrailingZeros()
                    .toPlainString());
        }
        return "weight=" + String.join(",", values);
    }

    /** The sets of a KD + {@code criterion} run: {@code loss} with KD at τ and the criterion at the weight in {@code c}. */
    private static List<String> withKd(double tau, String criterion, List<String> c) {
        String weight = c.get(0).substring("weight=".length());
        return List.of(String.format(
                Locale.ROOT, "loss=[{name: kd, tau: %s}, {name: %s, weight: %s}]", tau, criterion, weight));
    }
}
