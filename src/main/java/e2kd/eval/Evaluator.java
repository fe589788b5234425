package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.distill.ExplanationLoss;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Autograd;
import e2kd.nn.Model;

/**
 * Accuracy, agreement and explanation similarity of a student (eval mode) over a loader. Explanations are
 * computed with the graph recorded (Input×Gradient needs it) and freed with each batch.
 */
public final class Evaluator {
    private Evaluator() {}

    /** Number of rows of logits (B, C) whose argmax equals {@code classes} (B). */
    public static long matches(NDArray logits, NDArray classes) {
        return logits.argMax(1).toType(classes.getDataType(), false).eq(classes).sum().getLong();
    }

    /** Student alone: top-1 accuracy. */
    public static EvalResult evaluate(Model student, DataLoader loader, NDManager manager) {
        return evaluate(student, null, null, null, loader, manager);
    }

    /**
     * With a teacher (and both explainers), also agreement and explanation similarity; teacher, explainers may be
     * null for accuracy only.
     */
    public static EvalResult evaluate(Model student, Explainer studentExplainer, Model teacher,
                                      Explainer teacherExplainer, DataLoader loader, NDManager manager) {
        boolean wasTraining = student.isTraining();
        student.setTraining(false);
        long correct = 0;
        long agree = 0;
        double similarity = 0;
        int count = 0;
        try (EpochIterator it = loader.epoch(0, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    NDArray x = b.images();
                    count += b.size();
                    if (teacher == null) {
                        correct += matches(Autograd.noGrad(() -> student.forward(x)), b.labels());
                        continue;
                    }
                    Explained t = Autograd.recording(() -> teacherExplainer.explain(x, ClassChoice.top1()));
                    Explained s = Autograd.recording(() ->
                            studentExplainer.explain(x, ClassChoice.fixed(t.classes())));
                    correct += matches(s.logits(), b.labels());
                    agree += matches(s.logits(), t.classes());
                    similarity += ExplanationLoss.cosine(t.map(), s.map()).sum()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
                }
            }
        } finally {
            student.setTraining(wasTraining);
        }
        if (count == 0) {
            throw new IllegalArgumentException("evaluation split is empty");
        }
        return teacher == null ? new EvalResult(correct / (double) count, null, null, count)
                : new EvalResult(correct / (double) count, agree / (double) count, similarity / count, count);
    }
}
