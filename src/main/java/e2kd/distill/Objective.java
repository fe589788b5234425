package e2kd.distill;

import ai.djl.ndarray.NDArray;
import e2kd.nn.Scalars;

/**
 * e²KD's objective (paper Eq. 3): L = L_KD + λ·L_exp (+ γ·L_gt).
 *
 * @param tau    softmax temperature τ of the KD term
 * @param lambda weight λ of the explanation term (0 = plain KD)
 * @param gamma  weight γ of the ground-truth term (0 in the paper)
 * @param groundTruth the label loss used when γ > 0
 */
public record Objective(double tau, double lambda, double gamma, GroundTruthLoss groundTruth) {
    public Objective {
        if (!(tau > 0)) {
            throw new IllegalArgumentException("tau=" + tau + " must be positive");
        }
        if (lambda < 0 || gamma < 0) {
            throw new IllegalArgumentException("lambda=" + lambda + " and gamma=" + gamma + " must be non-negative");
        }
    }

    /**
     * @param teacherMap, studentMap explanations for the teacher's top-1 class, or null to leave the term out
     * @param labels (B) int64, used only when γ > 0
     */
    public LossParts compute(NDArray teacherLogits, NDArray studentLogits, NDArray teacherMap, NDArray studentMap,
                             NDArray labels) {
        NDArray kd = KdLoss.of(teacherLogits, studentLogits, tau);
        NDArray total = kd;
        NDArray exp = null;
        if (teacherMap != null && studentMap != null) {
            exp = ExplanationLoss.of(teacherMap, studentMap);
            total = total.add(Scalars.mul(exp, lambda));
        }
        NDArray gt = null;
        if (gamma > 0) {
            gt = groundTruth.of(studentLogits, labels);
            total = total.add(Scalars.mul(gt, gamma));
        }
        return new LossParts(total, kd, exp, gt);
    }
}
