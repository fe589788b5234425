package e2kd.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import e2kd.train.Method;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code reproduce --suite fewshot} (paper Tables 1–2 in miniature): per family a wider teacher trained on the whole
 * Fashion-MNIST training set, and students of k ∈ {10, 50} shots per class (1 and 3 with {@code --quick}) trained
 * from labels, by KD and by e²KD, with τ and λ selected per family and k ({@link ReproRuns#selectTauLambda}); test top-1 and top-1 agreement with the teacher.
 */
public final class FewShotSuite {
    private static final String[] METHODS = {Method.LABELS.id(), Method.KD.id(), Method.E2KD.id()};
    private static final String[] ROWS = {"from labels", "KD", "e2KD"};

    private FewShotSuite() {}

    /** The shot counts of the columns. */
    static int[] shots(ReproRuns r) {
        return r.quick ? new int[] {1, 3} : new int[] {10, 50};
    }

    /**
     * The families named ({@code std}, {@code bcos}; none: both), each at {@code imageSize} px ({@link
     * ReproFamily#at}; 0: the presets' 28 px).
     */
    public static String run(ReproRuns r, List<String> families, int imageSize) throws IOException {
        List<ReproFamily> chosen = new ArrayList<>();
        for (ReproFamily named : families.isEmpty()
                ? ReproFamily.ALL
                : families.stream().map(ReproFamily::named).toList()) {
            chosen.add(imageSize == 0 ? named : named.at(imageSize));
        }
        int[] shots = shots(r);
        List<ReproTable.Column> columns = new ArrayList<>();
        for (int k : shots) {
            columns.add(new ReproTable.Column("k=" + k + " top-1", true));
            columns.add(new ReproTable.Column("k=" + k + " agreement", true));
        }
        ReproTable table = r.table(columns);
        for (ReproFamily family : chosen) {
            Path teacher = family.teacher(r);
            Map<Integer, Map<String, List<String>>> selected = new HashMap<>();
            for (int k : shots) {
                selected.put(
                        k,
                        r.selectTauLambda(
                                family.title() + ", k=" + k,
                                (method, c) -> family.student(r, teacher, method, k, 1, c)));
            }
            ReproRuns.Batch<String[]> runs = r.batch();
            for (int seed = 1; seed <= r.seeds; seed++) {
                for (int k : shots) {
                    for (int m = 0; m < METHODS.length; m++) {
                        TrainConfig c = family.student(
                                r, teacher, METHODS[m], k, seed, selected.get(k).getOrDefault(METHODS[m], List.of()));
                        Path dir = r.out.resolve(String.format(
                                Locale.ROOT, "runs/fewshot/%s-k%d-%s-seed%d", family.name(), k, METHODS[m], seed));
                        String row = family.title() + ": " + ROWS[m];
                        runs.add(
                                new String[] {row, "k=" + k},
                                dir,
                                c,
                                String.format(Locale.ROOT, "%s, k=%d, seed %d", row, k, seed));
                    }
                }
            }
            runs.train("fewshot", (cell, run) -> {
                JsonNode summary = run.summary();
                table.add(cell[0], cell[1] + " top-1", summary.path("top1").asDouble());
                if (summary.path("agreement").isNumber()) {
                    table.add(
                            cell[0],
                            cell[1] + " agreement",
                            summary.path("agreement").asDouble());
                }
            });
        }
        return String.format(
                        Locale.ROOT,
                        "Fashion-MNIST test top-1 and top-1 agreement with the teacher (%%), students "
                                + "distilled from k images per class; teacher %s, student %s (the from-labels baseline has no "
                                + "teacher, so no agreement).%n%n",
                        r.teacherOptions(),
                        r.studentOptions())
                + table.markdown();
    }
}
