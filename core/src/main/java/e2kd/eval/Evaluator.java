package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
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
 * (B, 1, H, W) (see {@code e2kd.data.BoxedDataset}), the energy pointing game of a student (eval mode) over a
 * loader. Explanations are computed with the graph recorded (Input×Gradient needs it) and freed with each batch.
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
        Tally sums = new Tally(loader.hasMaps() && studentExplainer != null, teacher != null);
        try (EpochIterator it = loader.epoch(0, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    NDArray x = b.images();
                    NDArray labels = b.labels();
                    sums.count += b.size();
                    NDArray logits;
                    if (teacher == null) {
                        logits = Autograd.noGrad(() -> student.forward(x));
                    } else {
                        Explained t = Autograd.recording(() -> teacherExplainer.explain(x, ClassChoice.top1()));
                        Explained s =
                                Autograd.recording(() -> studentExplainer.explain(x, ClassChoice.fixed(t.classes())));
                        logits = s.logits();
                        sums.agree += matches(logits, t.classes());
                        sums.similarity.add(ExplanationLoss.cosine(t.map(), s.map())
                                .sum()
                                .toType(DataType.FLOAT64, false)
                                .getDouble());
                    }
                    sums.top1 += matches(logits, labels);
                    sums.top5 += Accuracy.topK(logits, labels, 5);
                    Optional<NDArray> masks = b.maps();
                    if (masks.isPresent() && studentExplainer != null) {
                        NDArray inside = masks.get().squeeze(1).gte(0.5f).toType(DataType.FLOAT32, false);
                        sums.studentEpg.add(epg(studentExplainer, x, labels, inside));
                        if (teacher != null) {
                            sums.teacherEpg.add(epg(teacherExplainer, x, labels, inside));
                        }
                    }
                }
            }
        } finally {
            student.setTraining(wasTraining);
        }
        return sums;
    }

    /** Per-sample EPG of the explanation for the labelled class; masks (B, H, W) are 0/1 after the transform. */
    private static double[] epg(Explainer explainer, NDArray x, NDArray labels, NDArray inside) {
        Explained e = Autograd.recording(() -> explainer.explain(x, ClassChoice.fixed(labels)));
        return EnergyPointingGame.perSample(Contributions.of(explainer, e, x), inside);
    }

    /**
     * The sums of an evaluation: counts, and per batch in order the explanation similarity and the per-sample EPGs,
     * so that joined parts add up in the order one pass would.
     */
    public static final class Tally implements Serializable {
        private final boolean localized;
        private final boolean withTeacher;
        long top1;
        long top5;
        long agree;
        int count;
        final List<Double> similarity = new ArrayList<>();
        final List<double[]> studentEpg = new ArrayList<>();
        final List<double[]> teacherEpg = new ArrayList<>();

        Tally(boolean localized, boolean withTeacher) {
            this.localized = localized;
            this.withTeacher = withTeacher;
        }

        /** This part followed by {@code next}, the part of the samples after it. */
        public Tally then(Tally next) {
            Tally both = new Tally(localized, withTeacher);
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
            EvalResult.Localization localization = localized
                    ? new EvalResult.Localization(
                            mean(studentEpg), withTeacher ? mean(teacherEpg) : null, finite(studentEpg))
                    : null;
            return new EvalResult(
                    top1 / (double) count,
                    top5 / (double) count,
                    withTeacher ? agree / (double) count : null,
                    withTeacher ? similaritySum / count : null,
                    localization,
                    count);
        }

        /** Mean of the finite values; null when there are none. */
        private static Double mean(List<double[]> batches) {
            double sum = 0;
            for (double[] batch : batches) {
                for (double v : batch) {
                    if (!Double.isNaN(v)) {
                        sum += v;
                    }
                }
            }
            int n = finite(batches);
            return n == 0 ? null : sum / n;
        }

        private static int finite(List<double[]> batches) {
            int n = 0;
            for (double[] batch : batches) {
                for (double v : batch) {
                    n += Double.isNaN(v) ? 0 : 1;
                }
            }
            return n;
        }
    }
}
