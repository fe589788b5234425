package e2kd.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.distill.CriterionContext;
import e2kd.distill.Distiller;
import e2kd.distill.Labelling;
import e2kd.distill.Objective;
import e2kd.explain.Explainers;
import e2kd.nn.Model;
import e2kd.nn.ModelFamily;
import e2kd.nn.models.Models;
import e2kd.train.DataParallelStep;
import e2kd.train.DistillStep;
import e2kd.train.Method;
import e2kd.train.StepResult;
import e2kd.train.optim.Adam;
import e2kd.train.optim.GradientClipping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A live teacher distilled into a student on random images, one full step at a time (teacher forward and
 * explanation without a graph, student forward and differentiable explanation, loss, backward, Adam): what
 * {@link Soak} and {@link Bench} drive. B-cos models get encoded uniform pixels [x, 1−x] (B, 6, S, S), standard
 * ones standard-normal inputs (B, 3, S, S); labels are uniform over the classes. With several replicas the batch is
 * split across data-parallel replicas of the pair ({@link DataParallelStep}) on the run's device.
 */
public final class SyntheticDistillation implements AutoCloseable {
    private final NDManager base;
    private final DistillStep step;
    private final DataParallelStep parallel;
    private final boolean bcos;
    private final int classes;
    private final int batch;
    private final int size;

    /**
     * Builds both models in {@code base} (which the caller closes).
     *
     * @param lambda      weight of the explanation term (0 = plain KD: no explanation is computed)
     * @param guidedEvery apply the explanation term every K-th step (1 = every step)
     */
    public SyntheticDistillation(
            NDManager base,
            String teacherId,
            Map<String, String> teacherOptions,
            String studentId,
            Map<String, String> studentOptions,
            int classes,
            int batch,
            int size,
            double lambda,
            int guidedEvery) {
        this(base, teacherId, teacherOptions, studentId, studentOptions, classes, batch, size, lambda, guidedEvery, 1);
    }

    /** As above, with the batch split across {@code replicas} data-parallel replicas (1: one model). */
    public SyntheticDistillation(
            NDManager base,
            String teacherId,
            Map<String, String> teacherOptions,
            String studentId,
            Map<String, String> studentOptions,
            int classes,
            int batch,
            int size,
            double lambda,
            int guidedEvery,
            int replicas) {
        if (batch < 1 || size < 1 || replicas < 1) {
            throw new IllegalArgumentException(
                    "batch=" + batch + ", size=" + size + " and replicas=" + replicas + " must be positive");
        }
        ModelFamily family = Models.family(studentId);
        if (Models.family(teacherId) != family) {
            throw new IllegalArgumentException("teacher " + teacherId + " and student " + studentId
                    + " must both be B-cos or both be standard models");
        }
        this.base = base;
        this.bcos = family == ModelFamily.BCOS;
        this.classes = classes;
        this.batch = batch;
        this.size = size;
        List<DataParallelStep.Replica> all = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            Model teacher = Models.create(teacherId, classes, teacherOptions, base);
            Model student = Models.create(studentId, classes, studentOptions, base);
            student.setTraining(true);
            all.add(new DataParallelStep.Replica(
                    base.getDevice(),
                    student,
                    new Distiller(
                            teacher,
                            Explainers.create("auto", teacher),
                            student,
                            Explainers.create("auto", student),
                            Objective.of(
                                    Method.E2KD.defaultLoss(Labelling.SINGLE_LABEL, 1, lambda, 0, guidedEvery),
                                    new CriterionContext(student, teacher, base, batch)))));
        }
        Adam adam = new Adam(0, false);
        this.step = new DistillStep(all.get(0).distiller(), all.get(0).student(), adam);
        this.parallel = replicas == 1 ? null : new DataParallelStep(all, adam, GradientClipping.none());
    }

    public int batch() {
        return batch;
    }

    /** Runs step {@code s} on a fresh random batch; everything the step allocates is released before returning. */
    public StepResult step(long s, double lr) {
        try (NDManager scope = base.newSubManager()) {
            NDArray x;
            if (bcos) {
                NDArray rgb = scope.randomUniform(0, 1, new Shape(batch, 3, size, size));
                x = rgb.concat(rgb.neg().add(1), 1);
            } else {
                x = scope.randomNormal(new Shape(batch, 3, size, size));
            }
            NDArray labels = scope.randomInteger(0, classes, new Shape(batch), DataType.INT64);
            return parallel == null ? step.run(x, labels, s, lr) : parallel.live(x, labels, null, s, lr);
        }
    }

    @Override
    public void close() {
        if (parallel != null) {
            parallel.close();
        }
    }
}
