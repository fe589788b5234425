package e2kd.experiments;

import ai.djl.ndarray.NDManager;
import e2kd.data.BoxList;
import e2kd.data.BoxedDataset;
import e2kd.data.CompositeScenes;
import e2kd.data.DataLoader;
import e2kd.data.Encoding;
import e2kd.data.EvalTransform;
import e2kd.data.VocDataset;
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
import java.util.function.Supplier;

/**
 * {@code reproduce --suite localization} (paper Table 5, PASCAL VOC EPG): a B-cos teacher trained from labels, KD and
 * e²KD students; energy pointing game of W(x)·x inside the explained class's boxes on the test images
 * ({@link Evaluator}), and test top-1. By default in miniature: Fashion-MNIST items at random positions on cluttered
 * 40 px canvases ({@link CompositeScenes#localization}) with their boxes, few shots per class. With {@code --data} a
 * PASCAL VOC folder: the VOC experiment itself, multi-label (METHOD.md §7), trained on its {@code train} list and
 * evaluated on its {@code val} list, EPG for every class of each image.
 */
public final class LocalizationSuite {
    /** 35 px crops of the 40 px canvases (the evaluation resizes to 35 / 0.875 = 40 and takes the centre). */
    private static final int IMAGE_SIZE = 35;

    private static final String[] METHODS = {Method.KD.id(), Method.E2KD.id()};
    private static final String[] ROWS = {"KD student", "e2KD student"};

    /**
     * One variant of the suite: its name, teacher run, students' settings, test images with boxes, input size and
     * the table's caption.
     */
    private record Setup(
            String name,
            Path teacher,
            List<String> studentSets,
            Supplier<BoxedDataset> test,
            int imageSize,
            String caption) {}

    private LocalizationSuite() {}

    public static String run(ReproRuns r) throws IOException {
        Path voc = r.vocData();
        Setup s = voc == null ? scenes(r) : voc(r, voc);
        ReproTable table =
                r.table(List.of(new ReproTable.Column("EPG", false), new ReproTable.Column("test top-1", true)));
        Map<String, List<String>> chosen = r.selectTauLambda(s.name(), (method, c) -> student(r, s, method, 1, c));
        ReproRuns.Batch<Map.Entry<Integer, TrainConfig>> runs = r.batch();
        for (int seed = 1; seed <= r.seeds; seed++) {
            for (int m = 0; m < METHODS.length; m++) {
                TrainConfig c = student(r, s, METHODS[m], seed, chosen.get(METHODS[m]));
                runs.add(
                        Map.entry(m, c),
                        r.out.resolve("runs/" + s.name() + "/" + METHODS[m] + "-seed" + seed),
                        c,
                        ROWS[m] + ", seed " + seed);
            }
        }
        runs.train(s.name(), (key, run) -> {
            int m = key.getKey();
            EvalResult e = pointingGame(
                    s,
                    ReproRuns.best(run.dir()),
                    ReproRuns.best(s.teacher()),
                    key.getValue().batch());
            if (m == 0) {
                table.add("teacher", "EPG", e.localization().teacherEpg());
            }
            table.add(ROWS[m], "EPG", e.localization().epg());
            table.add(ROWS[m], "test top-1", e.top1());
        });
        return s.caption() + table.markdown();
    }

    /** Cluttered Fashion-MNIST scenes, box = the item. */
    private static Setup scenes(ReproRuns r) throws IOException {
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
        List<String> students = List.of(
                "image_size=" + IMAGE_SIZE,
                "shots_per_class=" + r.count(20, 5),
                "val_per_class=" + r.count(10, 2),
                "data_dir=" + scenes);
        Supplier<BoxedDataset> test = () -> BoxList.read(scenes.resolve("boxes.csv"))
                .attach(Waterbirds.open(scenes).split(Waterbirds.TEST));
        String caption = String.format(
                Locale.ROOT,
                "Cluttered scenes (a Fashion-MNIST item over fragments of others, 40 px "
                        + "canvases, box = the item): energy pointing game (share of positive W(x)·x inside the box) on %d "
                        + "test scenes per class; teacher %s, students %s; top-1 in %%. The teacher is one model on the same "
                        + "test scenes for every seed, so its ± is 0 by construction.%n%n",
                tests,
                r.teacherOptions(),
                r.studentOptions());
        return new Setup("localization", teacher, students, test, IMAGE_SIZE, caption);
    }

    /** A PASCAL VOC folder: multi-label training on {@code train}, EPG per class on {@code val}. */
    private static Setup voc(ReproRuns r, Path voc) throws IOException {
        int size = r.count(64, 32);
        List<String> data = List.of(
                "data=" + TrainConfig.VOC,
                "data_dir=" + voc,
                "image_size=" + size,
                "shots_per_class=all",
                "val_per_class=" + r.count(10, 1));
        List<String> teacherSets = new ArrayList<>(data);
        teacherSets.addAll(List.of("model_options=" + r.teacherOptions(), "epochs=" + r.epochs(30)));
        Path teacher = r.teacher("localization-voc-bcos", r.config("demo-teacher", teacherSets));
        Supplier<BoxedDataset> test = () -> VocDataset.open(voc, "val");
        String caption = String.format(
                Locale.ROOT,
                "PASCAL VOC (%s, multi-label: BCE from labels, KD on per-class sigmoids, the labelled class the teacher "
                        + "scores highest explained): energy pointing game (share of positive W(x)·x inside the class's "
                        + "boxes) for every class of each of the %d val images, %d px; teacher %s, students %s; top-1 "
                        + "(the top class is one of the image's) in %%. The teacher is one model on the same images for "
                        + "every seed, so its ± is 0 by construction.%n%n",
                voc,
                test.get().size(),
                size,
                r.teacherOptions(),
                r.studentOptions());
        return new Setup("localization-voc", teacher, data, test, size, caption);
    }

    private static TrainConfig student(ReproRuns r, Setup s, String method, int seed, List<String> extra) {
        List<String> sets = new ArrayList<>(s.studentSets());
        sets.addAll(List.of(
                "model_options=" + r.studentOptions(),
                "seed=" + seed,
                "epochs=" + r.epochs(30),
                "eval_every=" + r.count(5, 1),
                "warmup_epochs=" + r.count(2, 0),
                "teacher=" + s.teacher(),
                "method=" + method));
        sets.addAll(extra);
        return r.config("demo-student", sets);
    }

    /** Student metrics, EPG of student and teacher on the test images with their boxes (each class's). */
    private static EvalResult pointingGame(Setup s, Path student, Path teacher, int batch) {
        BoxedDataset boxed = s.test().get();
        DataLoader loader = DataLoader.builder(boxed, batch)
                .augmentation(EvalTransform.standard(s.imageSize()))
                .encoding(Encoding.bcos())
                .maps(boxed.classMasks())
                .prefetch(1)
                .build();
        try (NDManager manager = Devices.newManager()) {
            Model st = ModelCheckpoint.load(student, manager).model();
            Model t = ModelCheckpoint.load(teacher, manager).model();
            return Evaluator.evaluate(
                    st, Explainers.create("auto", st), t, Explainers.create("auto", t), loader, manager);
        }
    }
}
