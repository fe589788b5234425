package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Distiller;
import e2kd.distill.LossParts;
import e2kd.distill.TeacherOutput;
import e2kd.nn.Module;
import e2kd.train.optim.GradientClipping;
import e2kd.train.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One optimisation step: teacher pass (when the objective reads one), the objective, backward, clipping, optimizer
 * update of the student's and the criteria's parameters. Every intermediate array belongs to the caller's step
 * manager (the manager of x); only parameters and optimizer state outlive it. The gradients live for the update
 * only: the step gives every trained parameter a fresh gradient leaf ({@link Module#freshGradients()}, PyTorch's
 * {@code zero_grad(set_to_none=True)}) and puts the parameters back after the update. A step whose loss or
 * gradients are not finite is skipped (no update) and reported as such.
 */
public final class DistillStep {
    private final Distiller distiller;
    private final Module student;
    private final GuardedUpdate update;

    public DistillStep(Distiller distiller, Module student, Optimizer optimizer) {
        this(distiller, student, optimizer, GradientClipping.none());
    }

    /** With {@code clipping} applied to the gradients before each update. */
    public DistillStep(Distiller distiller, Module student, Optimizer optimizer, GradientClipping clipping) {
        this.distiller = distiller;
        this.student = student;
        this.update = new GuardedUpdate(optimizer, clipping);
    }

    /**
     * The student's parameters under their state-dict keys and each criterion's under {@code criterion.LABEL.KEY}
     * (the names their optimizer state is saved under).
     */
    static Map<String, NDArray> trainable(Module student, Distiller distiller) {
        Map<String, NDArray> all = new LinkedHashMap<>(student.parameters());
        distiller
                .objective()
                .modules()
                .forEach((label, m) ->
                        m.parameters().forEach((key, p) -> all.put(CriterionState.PREFIX + label + "." + key, p)));
        return all;
    }

    /** Runs step {@code step} on a batch with the live teacher. */
    public StepResult run(NDArray x, NDArray labels, long step, double lr) {
        return run(x, labels, null, distiller.teach(x, step), step, lr);
    }

    /** Runs step {@code step} against given teacher outputs, without targets (single-label terms). */
    public StepResult run(NDArray x, NDArray labels, long[] indices, TeacherOutput teacher, long step, double lr) {
        return run(x, labels, null, indices, teacher, step, lr);
    }

    /**
     * Runs step {@code step} against given teacher outputs (live or precomputed; null when none are read).
     *
     * @param targets the batch's class rows (B, C)
     */
    public StepResult run(
            NDArray x, NDArray labels, NDArray targets, long[] indices, TeacherOutput teacher, long step, double lr) {
        List<Module> trained = new ArrayList<>();
        trained.add(student);
        trained.addAll(distiller.objective().modules().values());
        List<Module.FreshGradients> leaves = new ArrayList<>();
        try {
            trained.forEach(m -> leaves.add(m.freshGradients()));
            LossParts parts = distiller.loss(x, labels, targets, indices, teacher, step);
            double total = LossParts.value(parts.total());
            boolean applied = update.apply(trainable(student, distiller), parts.total(), lr);
            return new StepResult(total, parts.values(), !applied);
        } finally {
            leaves.forEach(Module.FreshGradients::close);
        }
    }
}
