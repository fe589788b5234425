package e2kd.experiments;

import e2kd.data.CompositeScenes;
import e2kd.data.Waterbirds;
import e2kd.train.Method;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code reproduce --suite shortcut} (paper Fig. 2 / Table 4, Waterbirds-100 in miniature), the demo's experiment
 * (the {@code demo} command) over seeds: a B-cos teacher trained on scenes whose background is independent of the class;
 * students distilled on scenes where every class always sits on its own background, by KD and e²KD, without and with
 * mixup (the paper's setting 2; τ / λ selected without mixup on seed 1's validation split, whose backgrounds are
 * independent of the class as in real Waterbirds, and kept for the mixup rows); evaluated on background-independent test scenes by {@link DemoResults}.
 */
public final class ShortcutSuite {
    private static final String[] METHODS = {Method.KD.id(), Method.E2KD.id(), Method.KD.id(), Method.E2KD.id()};
    private static final double[] MIXUP = {0, 0, 1, 1};
    private static final String[] ROWS = {"KD", "e2KD", "KD + mixup", "e2KD + mixup"};

    private ShortcutSuite() {}

    public static String run(ReproRuns r) throws IOException {
        int tests = r.count(100, 3);
        int teacherShots = r.count(550, 10);
        int teacherVal = r.count(50, 2);
        Path teacherScenes = r.out.resolve(
                String.format(Locale.ROOT, "scenes/shortcut-teacher-%d-%d-%d", teacherShots, teacherVal, tests));
        TrainConfig teacherConfig = r.config(
                "demo-teacher",
                List.of(
                        "model_options=" + r.teacherOptions(),
                        "shots_per_class=" + teacherShots,
                        "val_per_class=" + teacherVal,
                        "epochs=" + r.epochs(8),
                        "data_dir=" + teacherScenes));
        if (!Files.isRegularFile(teacherScenes.resolve(Waterbirds.METADATA))) {
            DemoScenes.write(
                    teacherScenes,
                    r.fashionMnist(),
                    CompositeScenes.shortcut(teacherConfig.seed()),
                    teacherShots,
                    teacherVal,
                    tests,
                    DemoScenes.TEACHER_CORRELATION,
                    teacherConfig.seed());
        }
        Path teacher = r.teacher("shortcut-bcos", teacherConfig);
        ReproTable table = r.table(DemoResults.COLUMNS);
        Map<String, List<String>> chosen = Map.of();
        ReproRuns.Batch<int[]> runs = r.batch();
        Map<Integer, TrainConfig> lastOfSeed = new HashMap<>();
        for (int seed = 1; seed <= r.seeds; seed++) {
            int shots = r.count(20, 5);
            int val = r.count(10, 2);
            Path scenes = r.out.resolve("scenes/shortcut-students-seed" + seed);
            // validation scenes background-independent as in real Waterbirds (balanced val split), so τ, λ and the
            // best epoch are chosen on data without the shortcut, never on the test split
            DemoScenes.student(scenes, r.fashionMnist(), shots, val, tests, seed);
            int studentSeed = seed;
            Function<List<String>, TrainConfig> student = extra -> {
                List<String> sets = new ArrayList<>(List.of(
                        "model_options=" + r.studentOptions(),
                        "seed=" + studentSeed,
                        "epochs=" + r.epochs(30),
                        "eval_every=" + r.count(5, 1),
                        "warmup_epochs=" + r.count(2, 0),
                        "shots_per_class=" + shots,
                        "val_per_class=" + val,
                        "data_dir=" + scenes,
                        "teacher=" + teacher));
                sets.addAll(extra);
                return r.config("demo-student", sets);
            };
            if (seed == 1) {
                chosen = r.selectTauLambda(
                        "shortcut",
                        (method, c) ->
                                student.apply(ReproRuns.concat(List.of("method=" + method, "mixup_alpha=0.0"), c)));
            }
            for (int m = 0; m < METHODS.length; m++) {
                TrainConfig c = student.apply(ReproRuns.concat(
                        List.of("method=" + METHODS[m], "mixup_alpha=" + MIXUP[m]), chosen.get(METHODS[m])));
                Path dir = r.out.resolve(String.format(
                        Locale.ROOT,
                        "runs/shortcut/%s-seed%d",
                        ROWS[m].replace(" + ", "-").toLowerCase(Locale.ROOT),
                        seed));
                runs.add(new int[] {seed, m}, dir, c, ROWS[m] + ", seed " + seed);
                lastOfSeed.put(seed, c);
            }
        }
        Map<Integer, List<DemoResults.Run>> trained = new TreeMap<>();
        runs.train(
                "shortcut",
                (key, run) -> trained.computeIfAbsent(key[0], seed -> new ArrayList<>())
                        .add(new DemoResults.Run(ROWS[key[1]], run.dir())));
        for (Map.Entry<Integer, List<DemoResults.Run>> seed : trained.entrySet()) {
            DemoResults.evaluate(lastOfSeed.get(seed.getKey()), ReproRuns.best(teacher), seed.getValue())
                    .addTo(table);
        }
        return String.format(
                        Locale.ROOT,
                        "Shortcut scenes (Fashion-MNIST items on textured backgrounds): the teacher "
                                + "(%s) saw backgrounds independent of the class, the students (%s) trained on scenes with every class "
                                + "always on its own background (validation scenes, as in Waterbirds, on random backgrounds); test "
                                + "scenes on random backgrounds: ID = on the class's own background, OOD = any "
                                + "other. Top-1 and agreement in %%, explanation similarity = mean cosine of the explanations.%n%n",
                        r.teacherOptions(),
                        r.studentOptions())
                + table.markdown();
    }
}
