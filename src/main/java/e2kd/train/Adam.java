package e2kd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.HashMap;
import java.util.Map;

/**
 * Adam / AdamW with PyTorch's semantics (torch.optim.Adam/AdamW), run by libtorch's fused update in DJL's JNI.
 * That update computes θ −= lr′·m / (√v + ε′); choosing lr′ = lr·√(1−β₂ᵗ)/(1−β₁ᵗ) and ε′ = ε·√(1−β₂ᵗ) makes it
 * equal to PyTorch's bias-corrected step. AdamW decays θ −= lr·wd·θ (decoupled); Adam adds wd·θ to the gradient.
 */
public final class Adam {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private long steps;

    public Adam(double weightDecay, boolean decoupled) {
        this(0.9, 0.999, 1e-8, weightDecay, decoupled);
    }

    public Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** One update of every parameter that has a gradient, at learning rate {@code lr}. */
    public void step(Map<String, NDArray> parameters, double lr) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = Math.sqrt(1 - Math.pow(beta2, steps));
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {p.zerosLike(), p.zerosLike()});
            try (NDArray grad = p.getGradient()) {
                JniUtils.adamUpdate((PtNDArray) p, (PtNDArray) grad, (PtNDArray) mv[0], (PtNDArray) mv[1],
                        (float) lr, (float) (lr * correction2 / correction1), (float) weightDecay, 1f, -1f,
                        (float) beta1, (float) beta2, (float) (eps * correction2), decoupled);
            }
        }
    }

    /** Update count so far (for checkpoints). */
    public long steps() {
        return steps;
    }

    /** First and second moments by parameter name (for checkpoints). */
    public Map<String, NDArray[]> moments() {
        return moments;
    }

    /** Restores state written by a checkpoint. */
    public void restore(long steps, Map<String, NDArray[]> moments) {
        this.steps = steps;
        this.moments.clear();
        this.moments.putAll(moments);
    }
}
