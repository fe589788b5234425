package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.Scopes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One evaluation of an objective (METHOD.md §1): the frozen teacher (eval mode, no graph) computes what the
 * criteria active at the step read; the student runs once, explained for the teacher's explained class (its top-1;
 * on multi-label data the labelled class it scores highest, §7) when a criterion reads explanations, with the
 * features they asked for tapped from the same forward. Without a teacher (training from labels, or a frozen
 * teacher's stored outputs given to {@link #loss}) the teacher is null.
 */
public final class Distiller {
    private final Model teacher;
    private final Explainer teacherExplainer;
    private final Model student;
    private final Explainer studentExplainer;
    private final Objective objective;
    private final Labelling labelling;

    /** On single-label data. */
    public Distiller(
            Model teacher, Explainer teacherExplainer, Model student, Explainer studentExplainer, Objective objective) {
        this(teacher, teacherExplainer, student, studentExplainer, objective, Labelling.SINGLE_LABEL);
    }

    public Distiller(
            Model teacher,
            Explainer teacherExplainer,
            Model student,
            Explainer studentExplainer,
            Objective objective,
            Labelling labelling) {
        if (teacher != null && teacher.spec().numClasses() != student.spec().numClasses()) {
            throw new IllegalArgumentException(
                    "teacher " + teacher.spec().id() + " has " + teacher.spec().numClasses() + " classes but student "
                            + student.spec().id() + " has " + student.spec().numClasses());
        }
        this.teacher = teacher;
        this.teacherExplainer = teacherExplainer;
        this.student = student;
        this.studentExplainer = studentExplainer;
        this.objective = objective;
        this.labelling = labelling;
        if (teacher != null) {
            teacher.setTraining(false);
            teacher.setTrainable(false);
        }
    }

    public Objective objective() {
        return objective;
    }

    /** Whether step {@code step} (0-based) reads explanations. */
    public boolean needsExplanation(long step) {
        return objective.needsAt(step).explanation();
    }

    /** The live teacher's outputs that step {@code step} reads on single-label data (no targets needed). */
    public TeacherOutput teach(NDArray x, long step) {
        return teach(x, null, step);
    }

    /**
     * The live teacher's outputs that step {@code step} reads, computed without a graph; null when none are read.
     *
     * @param targets the batch's class rows (B, C), which choose the explained class on multi-label data
     */
    public TeacherOutput teach(NDArray x, NDArray targets, long step) {
        Needs needs = objective.needsAt(step);
        if (!needs.teacher()) {
            return null;
        }
        if (teacher == null) {
            throw new IllegalStateException("the objective reads the teacher but there is none");
        }
        Taps taps = Taps.capture(needs.teacherFeatures());
        ClassChoice explained = labelling.explained(targets);
        return Scopes.keepingOnly(
                Arrays.asList(x, targets),
                () -> Autograd.noGrad(() -> {
                    if (!needs.explanation()) {
                        NDArray logits = teacher.forward(x, taps);
                        return new TeacherOutput(logits, explained.choose(logits), null, taps.features());
                    }
                    Explained e = teacherExplainer.explain(x, explained, taps);
                    return new TeacherOutput(e.logits(), e.classes(), e.map(), taps.features());
                }),
                TeacherOutput::arrays);
    }

    /** {@link #loss(NDArray, NDArray, NDArray, long[], TeacherOutput, long)} without targets (single-label terms). */
    public LossParts loss(NDArray x, NDArray labels, long[] indices, TeacherOutput t, long step) {
        return loss(x, labels, null, indices, t, step);
    }

    /**
     * The objective on x against {@code t} at step {@code step}, recorded for backprop.
     *
     * @param targets the batch's class rows (B, C) ({@link e2kd.data.Batch#targets()})
     * @param indices each sample's index in the training split, or null where no criterion keeps per-sample state
     */
    public LossParts loss(NDArray x, NDArray labels, NDArray targets, long[] indices, TeacherOutput t, long step) {
        Needs needs = objective.needsAt(step);
        Taps taps = Taps.capture(needs.studentFeatures());
        List<NDArray> inputs = new ArrayList<>(Arrays.asList(x, labels, targets));
        if (t != null) {
            inputs.addAll(t.arrays());
        }
        return Scopes.keepingOnly(
                inputs,
                () -> Autograd.recording(() -> {
                    StudentOutput s;
                    if (needs.explanation()) {
                        if (t.map() == null) {
                            throw new IllegalStateException(
                                    "step " + step + " reads explanations but the teacher's output has no map");
                        }
                        Explained e = studentExplainer.explain(x, ClassChoice.fixed(t.explained()), taps);
                        s = new StudentOutput(e.logits(), e.map(), taps.features());
                    } else {
                        s = new StudentOutput(student.forward(x, taps), null, taps.features());
                    }
                    return objective.compute(new CriterionInput(s, t, labels, targets, indices, step));
                }),
                LossParts::arrays);
    }
}
