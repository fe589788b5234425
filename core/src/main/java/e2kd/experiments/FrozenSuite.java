package e2kd.experiments;

import e2kd.train.Method;
import e2kd.train.TrainConfig;
import e2kd.train.frozen.Precompute;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code reproduce --suite frozen} (paper Table 3, ❄): B-cos students of 50 shots per class (3 with {@code --quick})
 * distilled by KD and e²KD from the live teacher and from its precomputed logits and W(x) maps ({@link Precompute},
 * paired crop and flip for the stored maps), each frozen variant with the τ / λ selected for its live one; test top-1
 * and agreement.
 */
public final class FrozenSuite {
    private static final Method[] METHODS = {Method.KD, Method.E2KD, Method.KD_FROZEN, Method.E2KD_FROZEN};
    /** The live method whose selected τ / λ each row uses. */
    private static final Method[] SELECTED_AS = {Method.KD, Method.E2KD, Method.KD, Method.E2KD};

    private static final String[] ROWS = {
        "KD (live teacher)", "e2KD (live teacher)", "KD ❄ (precomputed)", "e2KD ❄ (precomputed)"
    };

    private FrozenSuite() {}

    public static String run(ReproRuns r) throws IOException {
        ReproFamily family = ReproFamily.BCOS;
        Path teacher = family.teacher(r);
        int shots = r.count(50, 3);
        ReproTable table =
                r.table(List.of(new ReproTable.Column("test top-1", true), new ReproTable.Column("agreement", true)));
        // the same name as fewshot's selection, so a shared --out reuses those runs
        Map<String, List<String>> chosen = r.selectTauLambda(
                family.title() + ", k=" + shots, (method, c) -> family.student(r, teacher, method, shots, 1, c));
        ReproRuns.Batch<Integer> runs = r.batch();
        for (int seed = 1; seed <= r.seeds; seed++) {
            Path store = r.out.resolve("runs/frozen/teacher-outputs-seed" + seed);
            for (int m = 0; m < METHODS.length; m++) {
                List<String> extra = new ArrayList<>(chosen.get(SELECTED_AS[m].id()));
                if (METHODS[m].teacher() == Method.TeacherSource.FROZEN) {
                    extra.add("frozen_dir=" + store);
                }
                TrainConfig c = family.student(r, teacher, METHODS[m].id(), shots, seed, extra);
                if (METHODS[m] == Method.KD_FROZEN) {
                    r.log.printf(Locale.ROOT, "frozen: precomputing teacher logits and maps, seed %d%n", seed);
                    ShardedPrecompute.run(c, teacher.toString(), store, 256, r.workers());
                }
                runs.add(
                        m,
                        r.out.resolve("runs/frozen/" + METHODS[m].id() + "-seed" + seed),
                        c,
                        ROWS[m] + ", seed " + seed);
            }
        }
        runs.train("frozen", (m, run) -> {
            table.add(ROWS[m], "test top-1", run.summary().path("top1").asDouble());
            table.add(ROWS[m], "agreement", run.summary().path("agreement").asDouble());
        });
        return String.format(
                        Locale.ROOT,
                        "%s students, %d images per class of Fashion-MNIST; test top-1 and top-1 "
                                + "agreement with the teacher (%%); ❄: teacher outputs computed once before training.%n%n",
                        family.title(),
                        shots)
                + table.markdown();
    }
}
