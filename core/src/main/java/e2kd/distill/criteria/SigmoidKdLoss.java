package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import e2kd.nn.ops.Scalars;

/**
 * The logit term for multi-label data (METHOD.md §7): per class, the binary KL divergence from the teacher's tempered
 * sigmoid to the student's, summed over classes, averaged over the batch and scaled by τ²:
 * L = τ² · mean_b Σ_c [ q_T log(q_T / q_S) + (1 − q_T) log((1 − q_T) / (1 − q_S)) ], q = σ(z/τ). Teacher logits are
 * constants.
 */
public final class SigmoidKdLoss {
    private SigmoidKdLoss() {}

    /** teacher, student logits (B, C) → scalar. */
    public static NDArray of(NDArray teacherLogits, NDArray studentLogits, double tau) {
        NDArray t = Scalars.div(teacherLogits.stopGradient(), tau);
        NDArray s = Scalars.div(studentLogits, tau);
        // log σ(u) = −softplus(−u), log(1 − σ(u)) = −softplus(u): finite for any logit
        NDArray qT = Activation.sigmoid(t);
        NDArray present = Activation.softPlus(s.neg()).sub(Activation.softPlus(t.neg()));
        NDArray absent = Activation.softPlus(s).sub(Activation.softPlus(t));
        NDArray perSample =
                qT.mul(present).add(Scalars.of(qT, 1).sub(qT).mul(absent)).sum(new int[] {1});
        return Scalars.mul(perSample, tau * tau).mean();
    }
}
