package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;

/**
 * The explanation term of e²KD (Eq. 2): L_exp = mean_b (1 − cos(flat E_T, flat E_S)), each map flattened whole
 * per sample (all C×H×W values for B-cos). Cosine as {@code torch.nn.functional.cosine_similarity}:
 * a·b / sqrt(max(‖a‖²‖b‖², ε²)), ε = 1e-8. The teacher's map is a constant.
 */
public final class ExplanationLoss {
    private static final double EPS = 1e-8;

    private ExplanationLoss() {}

    /** Maps (B, …) of equal shape → scalar. */
    public static NDArray of(NDArray teacherMap, NDArray studentMap) {
        return cosine(teacherMap.stopGradient(), studentMap).neg().add(1).mean();
    }

    /** Per-sample cosine similarity of whole flattened maps, (B). */
    public static NDArray cosine(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalArgumentException(
                    "explanations differ in shape: teacher " + a.getShape() + ", student " + b.getShape());
        }
        long batch = a.getShape().get(0);
        NDArray fa = a.reshape(batch, -1);
        NDArray fb = b.reshape(batch, -1);
        NDArray dot = fa.mul(fb).sum(new int[] {1});
        NDArray norms = fa.square().sum(new int[] {1}).mul(fb.square().sum(new int[] {1}));
        return dot.div(Scalars.maximum(norms, EPS * EPS).sqrt());
    }
}
