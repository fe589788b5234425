package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Module;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.InPlace;
import e2kd.nn.ops.RandomDraws;
import e2kd.nn.ops.Scalars;

/**
 * CRD's memory bank (Tian et al. 2020; RepDistiller's {@code ContrastMemory}): one unit-norm embedding per training
 * sample for each network, {@code memory_v1} (student) and {@code memory_v2} (teacher), first drawn from
 * U(±1/√(D/3)), and the normalisation constants {@code z} = (Z_v1, Z_v2), −1 until the first batch sets them to
 * mean(score)·N, then fixed. For a batch, the scores of each sample's contrast indices are
 * exp(⟨memory row, embedding⟩ / T) / Z: the student's embedding against the teacher's memory and the other way
 * round; afterwards the batch's own rows move to normalise(momentum·row + (1 − momentum)·embedding).
 */
final class ContrastMemory extends Module {
    private final double temperature;
    private final double momentum;
    private final long size;

    /** The student's and the teacher's scores, (B, K+1) each; column 0 is the positive. */
    record Scores(NDArray student, NDArray teacher) {}

    ContrastMemory(NDManager m, int dim, long size, double temperature, double momentum) {
        float stdv = (float) (1 / Math.sqrt(dim / 3.0));
        buffer(
                "memory_v1",
                RandomDraws.draw(() -> m.randomUniform(-stdv, stdv, new Shape(size, dim), DataType.FLOAT32)));
        buffer(
                "memory_v2",
                RandomDraws.draw(() -> m.randomUniform(-stdv, stdv, new Shape(size, dim), DataType.FLOAT32)));
        buffer("z", m.create(new float[] {-1, -1}));
        this.temperature = temperature;
        this.momentum = momentum;
        this.size = size;
    }

    /**
     * Scores of the contrast indices, then the memory update of the batch's rows.
     *
     * @param student  the student's embeddings (B, D), recorded
     * @param teacher  the teacher's embeddings (B, D), recorded (its head trains)
     * @param indices  the batch's training indices (B), distinct
     * @param contrast (B·(K+1)) row-major contrast indices, column 0 the sample itself
     */
    Scores forward(NDArray student, NDArray teacher, long[] indices, long[] contrast) {
        NDManager step = student.getManager();
        int b = indices.length;
        NDArray idx = step.create(contrast);
        NDArray teacherScores = scores(buf("memory_v1"), idx, teacher, b);
        NDArray studentScores = scores(buf("memory_v2"), idx, student, b);
        double[] z = normalisers(studentScores, teacherScores);
        Scores out = new Scores(Scalars.div(studentScores, z[0]), Scalars.div(teacherScores, z[1]));
        update(indices, student, teacher);
        return out;
    }

    /** exp(⟨memory[idx], v⟩ / T), (B, K+1). */
    private NDArray scores(NDArray memory, NDArray idx, NDArray v, int b) {
        NDArray rows = Autograd.noGrad(() -> memory.get(new NDIndex("{}", idx)));
        rows.attach(v.getManager());
        long d = memory.getShape().get(1);
        NDArray dots = rows.reshape(b, -1, d).batchMatMul(v.reshape(b, d, 1)).reshape(b, -1);
        return Scalars.div(dots, temperature).exp();
    }

    /** (Z_v1, Z_v2), set from this batch's scores the first time. */
    private double[] normalisers(NDArray studentScores, NDArray teacherScores) {
        NDArray z = buf("z");
        double[] values = z.toType(DataType.FLOAT64, false).toDoubleArray();
        if (values[0] < 0 || values[1] < 0) {
            NDArray[] scores = {studentScores, teacherScores};
            for (int i = 0; i < 2; i++) {
                if (values[i] < 0) {
                    values[i] = scores[i].mean().toType(DataType.FLOAT64, false).getDouble() * size;
                }
            }
            try (NDManager scratch = z.getManager().newSubManager()) {
                InPlace.copy(scratch.create(values), z);
            }
            values = z.toType(DataType.FLOAT64, false).toDoubleArray(); // as stored, in the buffer's precision
        }
        return values;
    }

    private void update(long[] indices, NDArray student, NDArray teacher) {
        try (NDManager scratch = student.getManager().newSubManager()) {
            NDArray rows = scratch.create(indices);
            Autograd.noGrad(() -> {
                move(buf("memory_v1"), rows, student, scratch);
                move(buf("memory_v2"), rows, teacher, scratch);
                return null;
            });
        }
    }

    private void move(NDArray memory, NDArray rows, NDArray v, NDManager scratch) {
        NDIndex at = new NDIndex("{}", rows);
        NDArray old = memory.get(at);
        old.attach(scratch);
        NDArray mixed = Scalars.mul(old, momentum).add(Scalars.mul(v.stopGradient(), 1 - momentum));
        mixed.attach(scratch);
        NDArray unit = mixed.div(mixed.square().sum(new int[] {1}, true).sqrt());
        unit.attach(scratch);
        memory.set(at, unit);
    }

    /** The normalisation constants (Z_v1, Z_v2). */
    double[] z() {
        return buf("z").toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
