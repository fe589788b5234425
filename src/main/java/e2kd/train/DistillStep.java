package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Distiller;
import e2kd.distill.LossParts;
import e2kd.distill.TeacherOutput;
import e2kd.nn.Autograd;
import e2kd.nn.Model;

import java.util.Map;

/**
 * One optimisation step of the student: teacher pass, student loss, backward, clipping, optimizer update. Every intermediate array
 * belongs to the caller's step manager (the manager of x); only parameters, gradients and optimizer state outlive it.
 */
public final class DistillStep implements Step {
    private final Distiller distiller;
    private final Map<String, NDArray> parameters;
    private final Optimizer optimizer;
    private final GradientClipping clipping;

    public DistillStep(Distiller distiller, Model student, Optimizer optimizer) {
        this(distiller, student, optimizer, GradientClipping.none());
    }

    /** With {@code clipping} applied to the student's gradients before each update. */
    public DistillStep(Distiller distiller, Model student, Optimizer optimizer, GradientClipping clipping) {
        this.distiller = distiller;
        this.parameters = student.parameters();
        this.optimizer = optimizer;
        this.clipping = clipping;
    }

    /** Runs step {@code step} on a batch with the live teacher. */
    @Override
    public StepResult run(NDArray x, NDArray labels, long step, double lr) {
        return run(x, labels, distiller.teach(x, distiller.guided(step)), step, lr);
    }

    /** Runs step {@code step} against given teacher outputs (live or precomputed). */
    public StepResult run(NDArray x, NDArray labels, TeacherOutput teacher, long step, double lr) {
        LossParts parts = distiller.loss(x, labels, teacher, step);
        Autograd.zeroGradients(parameters.values());
        Autograd.backward(parts.total(), false);
        Autograd.noGrad(() -> {
            clipping.apply(parameters);
            optimizer.step(parameters, lr);
            return null;
        });
        return new StepResult(LossParts.value(parts.total()), LossParts.value(parts.kd()),
                LossParts.value(parts.explanation()), LossParts.value(parts.groundTruth()));
    }
}
