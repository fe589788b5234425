package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Distiller;
import e2kd.distill.LossParts;
import e2kd.distill.TeacherOutput;
import e2kd.nn.Model;

/**
 * One optimisation step of the student: teacher pass, student loss, backward, clipping, optimizer update. Every
 * intermediate array belongs to the caller's step manager (the manager of x); only parameters, gradients and optimizer state outlive it.
 * A step whose loss or gradients are not finite is skipped (no update) and reported as such.
 */
public final class DistillStep implements Step {
    private final Distiller distiller;
    private final GuardedUpdate update;

    public DistillStep(Distiller distiller, Model student, Optimizer optimizer) {
        this(distiller, student, optimizer, GradientClipping.none());
    }

    /** With {@code clipping} applied to the student's gradients before each update. */
    public DistillStep(Distiller distiller, Model student, Optimizer optimizer, GradientClipping clipping) {
        this.distiller = distiller;
        this.update = new GuardedUpdate(student.parameters(), optimizer, clipping);
    }

    /** Runs step {@code step} on a batch with the live teacher. */
    @Override
    public StepResult run(NDArray x, NDArray labels, long step, double lr) {
        return run(x, labels, distiller.teach(x, distiller.guided(step)), step, lr);
    }

    /** Runs step {@code step} against given teacher outputs (live or precomputed). */
    public StepResult run(NDArray x, NDArray labels, TeacherOutput teacher, long step, double lr) {
        LossParts parts = distiller.loss(x, labels, teacher, step);
        double total = LossParts.value(parts.total());
        boolean applied = update.apply(parts.total(), lr);
        return new StepResult(total, LossParts.value(parts.kd()), LossParts.value(parts.explanation()),
                LossParts.value(parts.groundTruth()), !applied);
    }
}
