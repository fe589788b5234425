package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Distiller;
import e2kd.distill.LossParts;
import e2kd.distill.TeacherOutput;
import e2kd.nn.Autograd;
import e2kd.nn.Model;

import java.util.Map;

/**
 * One optimisation step of the student: teacher pass, student loss, backward, Adam update. Every intermediate array
 * belongs to the caller's step manager (the manager of x); only parameters, gradients and optimizer state outlive it.
 * A step whose loss or gradients are not finite is skipped (no update) and reported as such.
 */
public final class DistillStep {
    private final Distiller distiller;
    private final Map<String, NDArray> parameters;
    private final Adam optimizer;

    public DistillStep(Distiller distiller, Model student, Adam optimizer) {
        this.distiller = distiller;
        this.parameters = student.parameters();
        this.optimizer = optimizer;
    }

    /** Runs step {@code step} on a batch with the live teacher. */
    public StepResult run(NDArray x, NDArray labels, long step, double lr) {
        return run(x, labels, distiller.teach(x, distiller.guided(step)), step, lr);
    }

    /** Runs step {@code step} against given teacher outputs (live or precomputed). */
    public StepResult run(NDArray x, NDArray labels, TeacherOutput teacher, long step, double lr) {
        LossParts parts = distiller.loss(x, labels, teacher, step);
        Autograd.zeroGradients(parameters.values());
        Autograd.backward(parts.total(), false);
        double total = LossParts.value(parts.total());
        boolean finite = Double.isFinite(total) && Gradients.allFinite(parameters.values(), x.getManager());
        if (finite) {
            Autograd.noGrad(() -> {
                optimizer.step(parameters, lr);
                return null;
            });
        } else {
            Autograd.zeroGradients(parameters.values());
        }
        return new StepResult(total, LossParts.value(parts.kd()), LossParts.value(parts.explanation()),
                LossParts.value(parts.groundTruth()), !finite);
    }
}
