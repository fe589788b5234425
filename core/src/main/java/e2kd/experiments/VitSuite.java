package e2kd.experiments;

import ai.djl.ndarray.NDManager;
import e2kd.data.DataLoader;
import e2kd.data.EvalTransform;
import e2kd.data.LabeledDataset;
import e2kd.data.SubsetDataset;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.eval.ShiftConsistency;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.nn.Devices;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.Encodings;
import e2kd.train.Method;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code reproduce --suite vit} (the paper's CNN teacher → ViT student, in miniature): the Fashion-MNIST B-cos ResNet
 * teacher of {@code fewshot} ({@link ReproFamily#BCOS}, cached), and B-cos ViT students (patch 4 on 28 px, so 7 × 7
 * tokens) trained from labels, by KD and by e²KD on k images per class, τ and λ selected on seed 1's validation split.
 * On the test split: top-1, agreement and explanation similarity with the teacher ({@link Evaluator}), and the
 * explanation shift-consistency at the ViT's patch ({@link ShiftConsistency}) on its first images, for teacher and
 * students.
 */
public final class VitSuite {
    private static final String[] METHODS = {Method.LABELS.id(), Method.KD.id(), Method.E2KD.id()};
    private static final String[] ROWS = {"B-cos ViT from labels", "B-cos ViT KD", "B-cos ViT e2KD"};
    private static final String TEACHER_ROW = "teacher (B-cos ResNet-18)";
    private static final String TOP1 = "test top-1";
    private static final String AGREEMENT = "agreement";
    private static final String SIMILARITY = "expl. sim.";
    private static final String SHIFT = "shift cons.";
    private static final int PATCH = 4;

    private VitSuite() {}

    /** The students' model options: patch 4 at 28 px; dim 64, 4 blocks of 4 heads (dim 16, 1 block with --quick). */
    static String studentOptions(ReproRuns r) {
        return r.quick
                ? "patch=4,dim=16,depth=1,heads=2,mlp=32,image=28"
                : "patch=4,dim=64,depth=4,heads=4,mlp=128,image=28";
    }

    public static String run(ReproRuns r) throws IOException {
        Path teacher = ReproFamily.BCOS.teacher(r);
        int shots = r.count(50, 3);
        int shiftImages = r.count(200, 10);
        List<String> vit = List.of("model=bcos_vit_ti", "model_options=" + studentOptions(r));
        Map<String, List<String>> chosen = r.selectTauLambda(
                "vit", (method, c) -> ReproFamily.BCOS.student(r, teacher, method, shots, 1, ReproRuns.concat(vit, c)));
        ReproTable table = r.table(List.of(
                new ReproTable.Column(TOP1, true),
                new ReproTable.Column(AGREEMENT, true),
                new ReproTable.Column(SIMILARITY, false),
                new ReproTable.Column(SHIFT, false)));
        evaluateTeacher(table, teacher, shiftImages);
        ReproRuns.Batch<Integer> runs = r.batch();
        for (int seed = 1; seed <= r.seeds; seed++) {
            for (int m = 0; m < METHODS.length; m++) {
                TrainConfig c = ReproFamily.BCOS.student(
                        r,
                        teacher,
                        METHODS[m],
                        shots,
                        seed,
                        ReproRuns.concat(vit, chosen.getOrDefault(METHODS[m], List.of())));
                runs.add(
                        m,
                        r.out.resolve(String.format(Locale.ROOT, "runs/vit/%s-seed%d", METHODS[m], seed)),
                        c,
                        ROWS[m] + ", seed " + seed);
            }
        }
        runs.train("vit", (m, run) -> evaluateStudent(table, ROWS[m], run.dir(), teacher, shiftImages));
        return String.format(
                        Locale.ROOT,
                        "B-cos ResNet-18 teacher (%s) → B-cos ViT students (%s), %d images per "
                                + "class; Fashion-MNIST test top-1 and agreement with the teacher (%%), explanation similarity (cosine "
                                + "of W(x) for the teacher's class), and shift-consistency (mean cosine of the contribution maps "
                                + "Σ W⊙x of the 24 px crops at the %d shifts 0 ≤ dx, dy < %d against the unshifted crop, over their "
                                + "shared region) on the first %d test images.%n%n",
                        r.teacherOptions(),
                        studentOptions(r),
                        shots,
                        PATCH * PATCH - 1,
                        PATCH,
                        shiftImages)
                + table.markdown();
    }

    /** The teacher's test top-1 and shift-consistency. */
    private static void evaluateTeacher(ReproTable table, Path teacher, int shiftImages) {
        LabeledDataset test = EvalData.resolve(teacher, null, null, null).dataset();
        try (NDManager manager = Devices.newManager()) {
            ModelCheckpoint.Loaded t = ModelCheckpoint.load(ReproRuns.best(teacher), manager);
            table.add(
                    TEACHER_ROW,
                    TOP1,
                    Evaluator.evaluate(t.model(), loader(test, t.input(), test.size()), manager)
                            .top1());
            table.add(
                    TEACHER_ROW,
                    SHIFT,
                    ShiftConsistency.of(
                                    Explainers.create("auto", t.model()),
                                    loader(test, t.input(), shiftImages),
                                    PATCH,
                                    manager)
                            .mean());
        }
    }

    /** A student's row from its best checkpoint on the test split, against the teacher. */
    private static void evaluateStudent(ReproTable table, String row, Path run, Path teacher, int shiftImages) {
        LabeledDataset test = EvalData.resolve(run, null, null, null).dataset();
        try (NDManager manager = Devices.newManager()) {
            ModelCheckpoint.Loaded s = ModelCheckpoint.load(ReproRuns.best(run), manager);
            ModelCheckpoint.Loaded t = ModelCheckpoint.load(ReproRuns.best(teacher), manager);
            Explainer se = Explainers.create("auto", s.model());
            EvalResult e = Evaluator.evaluate(
                    s.model(),
                    se,
                    t.model(),
                    Explainers.create("auto", t.model()),
                    loader(test, s.input(), test.size()),
                    manager);
            table.add(row, TOP1, e.top1());
            table.add(row, AGREEMENT, e.agreement());
            table.add(row, SIMILARITY, e.explanationSimilarity());
            table.add(
                    row,
                    SHIFT,
                    ShiftConsistency.of(se, loader(test, s.input(), shiftImages), PATCH, manager)
                            .mean());
        }
    }

    /** The first {@code images} of {@code test} as the evaluation sees them. */
    private static DataLoader loader(LabeledDataset test, e2kd.nn.InputContract input, int images) {
        LabeledDataset first = new SubsetDataset(
                test, IntStream.range(0, Math.min(images, test.size())).toArray());
        return DataLoader.builder(first, 64)
                .augmentation(EvalTransform.standard(input.size()))
                .encoding(Encodings.of(input))
                .prefetch(1)
                .build();
    }
}
