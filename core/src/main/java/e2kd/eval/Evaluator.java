package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.distill.Labelling;
import e2kd.distill.criteria.ExplanationLoss;
import e2kd.explain.ClassChoice;
import e2kd.explain.Contributions;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Accuracy (top-1, top-5), agreement, explanation similarity and, when the loader carries box masks as maps
 * (B, S, H, W) (channel j: the boxes of the sample's j-th class, {@code e2kd.data.BoxedDataset#classMasks}), the energy
 * pointing game of a student (eval mode) over a loader, per class and overall. Accuracy counts a prediction among the
 * sample's classes (the batch's targets); the teacher's explained class comes from the data's {@link Labelling}.
 * Explanations are computed with the graph recorded (Input×Gradient needs it) and freed with each batch.
 */
public final class Evaluator {
    private Evaluator() {}

    /** Number of rows of logits (B, C) whose argmax equals {@code classes} (B). */
    public static long matches(NDArray logits, NDArray classes) {
        return logits.argMax(1)
                .toType(classes.getDataType(), false)
                .eq(classes)
                .sum()
                .getLong();
    }

    /** Student alone: accuracy. */
    public static EvalResult evaluate(Model student, DataLoader loader, NDManager manager) {
        return evaluate(student, null, null, null, loader, manager);
    }

    /**
     * With a teacher (and both explainers), also agreement and explanation similarity; with a student explainer
     * and box masks, also EPG. Teacher and explainers may be null.
     */
    public static EvalResult evaluate(
            Model student,
            Explainer studentExplainer,
            Model teacher,
            Explainer teacherExplainer,
            DataLoader loader,
            NDManager manager) {
        return tally(student, studentExplainer, teacher, teacherExplainer, loader, manager)
                .result();
    }

    /**
     * What {@link #evaluate} sums, batch by batch: the tallies of consecutive parts of a data set, each over whole
     * batches, {@linkplain Tally#then joined} in order, give the evaluation of the whole bit for bit.
     */
    public static Tally tally(
            Model student,
            Explainer studentExplainer,
            Model teacher,
            Explainer teacherExplainer,
            DataLoader loader,
            NDManager manager) {
        boolean wasTraining = student.isTraining();
        student.setTraining(false);
        Labelling labelling = Labelling.of(loader.dataset());
        Tally sums = new Tally(
                loader.hasMaps() && studentExplainer != null,
                teacher != null,
                loader.dataset().classNames().size());
        try (EpochIterator it = loader.epoch(0, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    NDArray x = b.images();
                    sums.count += b.size();
                    NDArray logits;
                    if (teacher == null) {
                        logits = Autograd.noGrad(() -> student.forward(x));
                    } else {
                        ClassChoice explained = labelling.explained(b.targets());
                        Explained t = Autograd.recording(() -> teacherExplainer.explain(x, explained));
                        Explained s =
                                Autograd.recording(() -> studentExplainer.explain(x, ClassChoice.fixed(t.classes())));
                        logits = s.logits();
                        sums.agree += matches(logits, t.logits().argMax(1));
                        sums.similarity.add(ExplanationLoss.cosine(t.map(), s.map())
                                .sum()
                                .toType(DataType.FLOAT64, false)
                                .getDouble());
                    }
                    sums.top1 += Accuracy.top1(logits, b.targets());
                    sums.top5 += Accuracy.topK(logits, b.targets(), 5);
                    Optional<NDArray> masks = b.maps();
                    if (masks.isPresent() && studentExplainer != null) {
                        NDArray inside = masks.get().gte(0.5f).toType(DataType.FLOAT32, false);
                        int[][] slots =
                                slots(b.targets(), (int) inside.getShape().get(1));
                        for (int j = 0; j < slots.length; j++) {
                            NDArray classes = b.manager().create(toLongs(slots[j]));
                            NDArray mask = inside.get(new NDIndex(":, {}", j));
                            sums.studentEpg.add(new Epgs(slots[j], epg(studentExplainer, x, classes, mask)));
                            if (teacher != null) {
                                sums.teacherEpg.add(new Epgs(slots[j], epg(teacherExplainer, x, classes, mask)));
                            }
                        }
                    }
                }
            }
        } finally {
            student.setTraining(wasTraining);
        }
        return sums;
    }

    /**
     * Slot j holds each sample's j-th class (ascending, as its target row lists them), or −1 where it has fewer; as
     * many slots as the most classes any sample of the batch has, at most {@code channels}.
     */
    private static int[][] slots(NDArray targets, int channels) {
        int rows = (int) targets.getShape().get(0);
        int classes = (int) targets.getShape().get(1);
        float[] t = targets.toType(DataType.FLOAT32, false).toFloatArray();
        int[][] out = new int[channels][rows];
        int used = 0;
        for (int[] slot : out) {
            java.util.Arrays.fill(slot, -1);
        }
        for (int r = 0; r < rows; r++) {
            int j = 0;
            for (int c = 0; c < classes && j < channels; c++) {
                if (t[r * classes + c] > 0) {
                    out[j++][r] = c;
                }
            }
            used = Math.max(used, j);
        }
        return java.util.Arrays.copyOf(out, used);
    }

    private static long[] toLongs(int[] classes) {
        // a sample without this slot is explained for class 0; its result is dropped (PerClass#add)
        return java.util.Arrays.stream(classes).mapToLong(c -> Math.max(c, 0)).toArray();
    }

    /** Per-sample EPG of the explanation for {@code classes} (B); masks (B, H, W) are 0/1 after the transform. */
    private static double[] epg(Explainer explainer, NDArray x, NDArray classes, NDArray inside) {
        Explained e = Autograd.recording(() -> explainer.explain(x, ClassChoice.fixed(classes)));
        return EnergyPointingGame.perSample(Contributions.of(explainer, e, x), inside);
    }

    /** One slot of one batch: per sample the class explained (−1: none) and its EPG. */
    private record Epgs(int[] classes, double[] values) implements Serializable {}

    /**
     * The sums of an evaluation: counts, and per batch in order the explanation similarity and the per-sample EPGs,
     * so that joined parts add up in the order one pass would.
     */
    public static final class Tally implements Serializable {
        private final boolean localized;
        private final boolean withTeacher;
        private final int classes;
        long top1;
        long top5;
        long agree;
        int count;
        final List<Double> similarity = new ArrayList<>();
        final List<Epgs> studentEpg = new ArrayList<>();
        final List<Epgs> teacherEpg = new ArrayList<>();

        Tally(boolean localized, boolean withTeacher, int classes) {
            this.localized = localized;
            this.withTeacher = withTeacher;
            this.classes = classes;
        }

        /** This part followed by {@code next}, the part of the samples after it. */
        public Tally then(Tally next) {
            Tally both = new Tally(localized, withTeacher, classes);
            for (Tally t : List.of(this, next)) {
                both.top1 += t.top1;
                both.top5 += t.top5;
                both.agree += t.agree;
                both.count += t.count;
                both.similarity.addAll(t.similarity);
                both.studentEpg.addAll(t.studentEpg);
                both.teacherEpg.addAll(t.teacherEpg);
            }
            return both;
        }

        public EvalResult result() {
            if (count == 0) {
                throw new IllegalArgumentException("evaluation split is empty");
            }
            double similaritySum = 0;
            for (double batch : similarity) {
                similaritySum += batch;
            }
            EvalResult.Localization localization = null;
            if (localized) {
                PerClass student = PerClass.of(classes, studentEpg);
                PerClass teacher = PerClass.of(classes, teacherEpg);
                List<EvalResult.ClassEpg> perClass = new ArrayList<>();
                for (int c = 0; c < student.byClass.length; c++) {
                    if (student.byClass[c].n > 0) {
                        perClass.add(new EvalResult.ClassEpg(
                                c,
                                student.byClass[c].value(),
                                withTeacher ? teacher.byClass[c].value() : null,
                                student.byClass[c].n));
                    }
                }
                localization = new EvalResult.Localization(
                        student.all.value(), withTeacher ? teacher.all.value() : null, student.all.n, perClass);
            }
            return new EvalResult(
                    top1 / (double) count,
                    top5 / (double) count,
                    withTeacher ? agree / (double) count : null,
                    withTeacher ? similaritySum / count : null,
                    localization,
                    count);
        }
    }

    /** Mean EPG over all (sample, class) pairs and per class. */
    private static final class PerClass {
        final Mean all = new Mean();
        final Mean[] byClass;

        PerClass(int classes) {
            byClass = new Mean[classes];
            for (int c = 0; c < classes; c++) {
                byClass[c] = new Mean();
            }
        }

        /** The means of {@code batches}, added in order. */
        static PerClass of(int classes, List<Epgs> batches) {
            PerClass p = new PerClass(classes);
            for (Epgs e : batches) {
                p.add(e.classes(), e.values());
            }
            return p;
        }

        /** Adds sample i's value for class {@code classes[i]}; skips samples without a class here (−1) and NaNs. */
        void add(int[] classes, double[] values) {
            for (int i = 0; i < values.length; i++) {
                if (classes[i] >= 0 && !Double.isNaN(values[i])) {
                    all.add(values[i]);
                    byClass[classes[i]].add(values[i]);
                }
            }
        }
    }

    /** Mean of the values added. */
    private static final class Mean {
        double sum;
        int n;

        void add(double value) {
            sum += value;
            n++;
        }

        Double value() {
            return n == 0 ? null : sum / n;
        }
    }
}
