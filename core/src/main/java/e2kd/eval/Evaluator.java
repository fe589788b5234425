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
        boolean wasTraining = student.isTraining();
        student.setTraining(false);
        Sums sums = new Sums();
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
                        sums.similarity += ExplanationLoss.cosine(t.map(), s.map())
                                .sum()
                                .toType(DataType.FLOAT64, false)
                                .getDouble();
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
        return sums.result(loader.hasMaps() && studentExplainer != null, teacher != null);
    }

    /** Per-sample EPG of the explanation for the labelled class; masks (B, H, W) are 0/1 after the transform. */
    private static double[] epg(Explainer explainer, NDArray x, NDArray labels, NDArray inside) {
        Explained e = Autograd.recording(() -> explainer.explain(x, ClassChoice.fixed(labels)));
        return EnergyPointingGame.perSample(Contributions.of(explainer, e, x), inside);
    }

    /** Running totals over batches. */
    private static final class Sums {
        long top1;
        long top5;
        long agree;
        double similarity;
        int count;
        final Mean studentEpg = new Mean();
        final Mean teacherEpg = new Mean();

        EvalResult result(boolean localized, boolean withTeacher) {
            if (count == 0) {
                throw new IllegalArgumentException("evaluation split is empty");
            }
            EvalResult.Localization localization = localized
                    ? new EvalResult.Localization(
                            studentEpg.value(), withTeacher ? teacherEpg.value() : null, studentEpg.n)
                    : null;
            return new EvalResult(
                    top1 / (double) count,
                    top5 / (double) count,
                    withTeacher ? agree / (double) count : null,
                    withTeacher ? similarity / count : null,
                    localization,
                    count);
        }
    }

    /** Mean of the finite values added. */
    private static final class Mean {
        double sum;
        int n;

        void add(double[] values) {
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    sum += v;
                    n++;
                }
            }
        }

        Double value() {
            return n == 0 ? null : sum / n;
        }
    }
}
