package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;

/**
 * The logit term of e²KD (Eq. 1; Hinton et al.): L_KD = τ² · mean_b Σ_j p_T,j (log p_T,j − log p_S,j),
 * p = softmax(z/τ). Teacher logits are constants.
 */
public final class KdLoss {
    private KdLoss() {}

    /** teacher, student logits (B, C) → scalar. */
    public static NDArray of(NDArray teacherLogits, NDArray studentLogits, double tau) {
        NDArray logPt = Scalars.div(teacherLogits.stopGradient(), tau).logSoftmax(1);
        NDArray logPs = Scalars.div(studentLogits, tau).logSoftmax(1);
        NDArray perSample = logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {1});
        return Scalars.mul(perSample, tau * tau).mean();
    }
}
