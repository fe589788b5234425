package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.Module;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ReviewKD's trainable connectors: one {@link Abf} per level, {@code abfs.0} for the deepest level (the pooled
 * feature), {@code abfs.L-1} for the shallowest, reviewed in that order. The mid width is
 * min(maxMid, the student's deepest width) (mdistiller: min(512, in_channels[-1])).
 */
final class ReviewKdConnectors extends Module {
    private final ModuleList<Abf> abfs;

    /**
     * @param student channels of the student's levels, shallowest first
     * @param teacher channels of the teacher's levels, shallowest first
     */
    ReviewKdConnectors(NDManager m, long[] student, long[] teacher, int maxMid) {
        if (student.length != teacher.length || student.length == 0) {
            throw new IllegalArgumentException(
                    "ReviewKD levels: student " + Arrays.toString(student) + ", teacher " + Arrays.toString(teacher));
        }
        int levels = student.length;
        int mid = (int) Math.min(maxMid, student[levels - 1]);
        List<Abf> deepestFirst = new ArrayList<>();
        for (int i = levels - 1; i >= 0; i--) {
            deepestFirst.add(new Abf(m, (int) student[i], mid, (int) teacher[i], i < levels - 1));
        }
        abfs = child("abfs", new ModuleList<>(deepestFirst));
    }

    /**
     * The reviewed student features, shallowest first, each in its teacher level's shape.
     *
     * @param student      the student's levels, shallowest first, each (B, C, h, w)
     * @param teacherSizes the teacher's {h, w} per level, shallowest first
     */
    List<NDArray> review(List<NDArray> student, List<long[]> teacherSizes) {
        int levels = abfs.size();
        NDArray[] out = new NDArray[levels];
        NDArray residual = null;
        for (int k = 0; k < levels; k++) {
            int level = levels - 1 - k;
            long[] size = teacherSizes.get(level);
            Abf.Out o = abfs.get(k).forward(student.get(level), residual, size[0], size[1]);
            out[level] = o.output();
            residual = o.residual();
        }
        return List.of(out);
    }
}
