package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import e2kd.nn.ops.Scalars;
import java.util.List;

/**
 * ReviewKD's hierarchical context loss (HCL): per level, the mean squared error of the maps plus that of their
 * adaptive average pools to 4×4, 2×2 and 1×1 (only sizes below the map's height h), weighted 1, 1/2, 1/4, 1/8 and
 * divided by the sum of the weights used; summed over levels:
 * <pre>  HCL = Σ_levels [ mse(F_S, F_T) + Σ_{l ∈ {4,2,1}, l < h} 2^-j(l) · mse(P_l F_S, P_l F_T) ] / (1 + Σ 2^-j(l)) </pre>
 * with j counting the pools used so far (1, 2, 3).
 */
final class HierarchicalContextLoss {
    private static final int[] POOLS = {4, 2, 1};

    private HierarchicalContextLoss() {}

    /** Student and teacher levels of equal shapes (B, C, h, w) → scalar. */
    static NDArray of(List<NDArray> student, List<NDArray> teacher) {
        NDArray total = null;
        for (int i = 0; i < student.size(); i++) {
            NDArray s = student.get(i);
            NDArray t = teacher.get(i);
            if (!s.getShape().equals(t.getShape())) {
                throw new IllegalArgumentException(
                        "HCL level " + i + ": student " + s.getShape() + " vs teacher " + t.getShape());
            }
            long h = s.getShape().get(2);
            NDArray level = mse(s, t);
            double weight = 1;
            double sum = 1;
            for (int l : POOLS) {
                if (l >= h) {
                    continue;
                }
                weight /= 2;
                level = level.add(Scalars.mul(mse(pool(s, l), pool(t, l)), weight));
                sum += weight;
            }
            level = sum == 1 ? level : Scalars.div(level, sum);
            total = total == null ? level : total.add(level);
        }
        return total;
    }

    private static NDArray mse(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }

    private static NDArray pool(NDArray x, int l) {
        return JniUtils.adaptiveAvgPool((PtNDArray) x, new Shape(l, l));
    }
}
