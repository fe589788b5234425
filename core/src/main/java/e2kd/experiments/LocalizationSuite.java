package e2kd.experiments;

import ai.djl.ndarray.NDManager;
import e2kd.data.BoxList;
import e2kd.data.BoxedDataset;
import e2kd.data.CompositeScenes;
import e2kd.data.DataLoader;
import e2kd.data.Encoding;
import e2kd.data.EvalTransform;
import e2kd.data.Waterbirds;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.explain.Explainers;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.Method;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code reproduce --suite localization} (paper Table 5, PASCAL VOC EPG in miniature): Fashion-MNIST items at random
 * positions on cluttered 40 px canvases ({@link CompositeScenes#localization}) with their boxes; a B-cos teacher
 * trained from labels, KD and e²KD students of few shots per class; energy pointing game of W(x)·x inside the item's
 * box on the test scenes ({@link Evaluator}), and test top-1.
 */
public final class LocalizationSuite {
    /** 35 px crops of the 40 px canvases (the evaluation resizes to 35 / 0.875 = 40 and takes the centre). */
    private static final int IMAGE_SIZE = 35;

    private static final String[] METHODS = {Method.KD.id(), Method.E2KD.id()};
    private static final String[] ROWS = {"KD student", "e2KD student"};

    private LocalizationSuite() {}

    public static String run(ReproRuns r) throws IOException {
        int teacherShots = r.count(300, 10);
        int val = r.count(10, 2);
        int tests = r.count(50, 3);
        Path scenes =
                r.out.resolve(String.format(Locale.ROOT, "scenes/localization-%d-%d-%d", teacherShots, val, tests));
        if (!Files.isRegularFile(scenes.resolve(Waterbirds.METADATA))) {
            DemoScenes.write(
                    scenes, r.fashionMnist(), CompositeScenes.localization(42), teacherShots, val, tests, 0, 42);
        }
        Path teacher = r.teacher(
                "localization-bcos",
                r.config(
                        "demo-teacher",
                        List.of(
                                "model_options=" + r.teacherOptions(),
                                "image_size=" + IMAGE_SIZE,
                                "shots_per_class=" + teacherShots,
                                "val_per_class=" + val,
                                "epochs=" + r.epochs(10),
                                "data_dir=" + scenes)));
        ReproTable table =
                new ReproTable(List.of(new ReproTable.Column("EPG", false), new ReproTable.Column("test top-1", true)));
        Map<String, List<String>> chosen =
                r.selectTauLambda("localization", (method, c) -> student(r, teacher, scenes, method, 1, c));
        ReproRuns.Batch<Map.Entry<Integer, TrainConfig>> runs = r.batch();
        for (int seed = 1; seed <= r.seeds; seed++) {
            for (int m = 0; m < METHODS.length; m++) {
                TrainConfig c = student(r, teacher, scenes, METHODS[m], seed, chosen.get(METHODS[m]));
                runs.add(
                        Map.entry(m, c),
                        r.out.resolve("runs/localization/" + METHODS[m] + "-seed" + seed),
                        c,
                        ROWS[m] + ", seed " + seed);
            }
        }
        runs.train("localization", (key, run) -> {
            int m = key.getKey();
            EvalResult e = pointingGame(
                    scenes,
                    ReproRuns.best(run.dir()),
                    ReproRuns.best(teacher),
                    key.getValue().batch());
            if (m == 0) {
                table.add("teacher", "EPG", e.localization().teacherEpg());
            }
            table.add(ROWS[m], "EPG", e.localization().epg());
            table.add(ROWS[m], "test top-1", e.top1());
        });
        return String.format(
                        Locale.ROOT,
                        "Cluttered scenes (a Fashion-MNIST item over fragments of others, 40 px "
                                + "canvases, box = the item): energy pointing game (share of positive W(x)·x inside the box) on %d "
                                + "test scenes per class; teacher %s, students %s; top-1 in %%. The teacher is one model on the same "
                                + "test scenes for every seed, so its ± is 0 by construction.%n%n",
                        tests,
                        r.teacherOptions(),
                        r.studentOptions())
                + table.markdown();
    }

    private static TrainConfig student(
            ReproRuns r, Path teacher, Path scenes, String method, int seed, List<String> extra) {
        List<String> sets = new ArrayList<>(List.of(
                "model_options=" + r.studentOptions(),
                "image_size=" + IMAGE_SIZE,
                "seed=" + seed,
                "epochs=" + r.epochs(30),
                "eval_every=" + r.count(5, 1),
                "warmup_epochs=" + r.count(2, 0),
                "shots_per_class=" + r.count(20, 5),
                "val_per_class=" + r.count(10, 2),
                "data_dir=" + scenes,
                "teacher=" + teacher,
                "method=" + method));
        sets.addAll(extra);
        return r.config("demo-student", sets);
    }

    /** Student metrics, EPG of student and teacher on the test scenes with their boxes. */
    private static EvalResult pointingGame(Path scenes, Path student, Path teacher, int batch) {
        Waterbirds test = Waterbirds.open(scenes).split(Waterbirds.TEST);
        BoxedDataset boxed = BoxList.read(scenes.resolve("boxes.csv")).attach(test);
        DataLoader loader = DataLoader.builder(boxed, batch)
                .augmentation(EvalTransform.standard(IMAGE_SIZE))
                .encoding(Encoding.bcos())
                .maps(i -> boxed.boxes(i).mask())
                .prefetch(1)
                .build();
        try (NDManager manager = Devices.newManager()) {
            Model s = ModelCheckpoint.load(student, manager).model();
            Model t = ModelCheckpoint.load(teacher, manager).model();
            return Evaluator.evaluate(
                    s, Explainers.create("auto", s), t, Explainers.create("auto", t), loader, manager);
        }
    }
}
