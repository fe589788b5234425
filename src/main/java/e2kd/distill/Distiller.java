package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Autograd;
import e2kd.nn.Model;

/**
 * One distillation objective evaluation: the frozen teacher (eval mode, no graph) and the student explained for the
 * teacher's top-1 class (METHOD.md §1). With λ = 0 no explanation is computed at all (plain KD); with
 * {@code guidedEvery} = K the explanation term is applied on every K-th step only (authors' guided_step_interval).
 */
public final class Distiller {
    private final Model teacher;
    private final Explainer teacherExplainer;
    private final Model student;
    private final Explainer studentExplainer;
    private final Objective objective;
    private final int guidedEvery;

    public Distiller(Model teacher, Explainer teacherExplainer, Model student, Explainer studentExplainer,
                     Objective objective, int guidedEvery) {
        if (teacher.spec().numClasses() != student.spec().numClasses()) {
            throw new IllegalArgumentException("teacher " + teacher.spec().id() + " has " + teacher.spec().numClasses()
                    + " classes but student " + student.spec().id() + " has " + student.spec().numClasses());
        }
        if (guidedEvery < 1) {
            throw new IllegalArgumentException("guided-every=" + guidedEvery + " must be at least 1");
        }
        this.teacher = teacher;
        this.teacherExplainer = teacherExplainer;
        this.student = student;
        this.studentExplainer = studentExplainer;
        this.objective = objective;
        this.guidedEvery = guidedEvery;
        teacher.setTraining(false);
        teacher.setTrainable(false);
    }

    public Objective objective() {
        return objective;
    }

    /** Whether step {@code step} (0-based) applies the explanation term. */
    public boolean guided(long step) {
        return objective.lambda() > 0 && step % guidedEvery == 0;
    }

    /** The live teacher's logits, top-1 and (when {@code withMap}) explanation, computed without a graph. */
    public TeacherOutput teach(NDArray x, boolean withMap) {
        return Autograd.noGrad(() -> {
            if (!withMap) {
                NDArray logits = teacher.forward(x);
                return new TeacherOutput(logits, logits.argMax(1), null);
            }
            Explained e = teacherExplainer.explain(x, ClassChoice.top1());
            return new TeacherOutput(e.logits(), e.classes(), e.map());
        });
    }

    /** The student's loss on x against {@code t} at step {@code step}, recorded for backprop. */
    public LossParts loss(NDArray x, NDArray labels, TeacherOutput t, long step) {
        return Autograd.recording(() -> {
            if (guided(step) && t.map() != null) {
                Explained s = studentExplainer.explain(x, ClassChoice.fixed(t.top1()));
                return objective.compute(t.logits(), s.logits(), t.map(), s.map(), labels);
            }
            return objective.compute(t.logits(), student.forward(x), null, null, labels);
        });
    }
}
