package e2kd.train.optim;

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
public final class Adam implements Optimizer {
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

    @Override
    public void step(Map<String, NDArray> parameters, double lr) {
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = Math.sqrt(1 - Math.pow(beta2, steps));
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {p.zerosLike(), p.zerosLike()});
            try (NDArray grad = p.getGradient()) {
                JniUtils.adamUpdate(
                        (PtNDArray) p,
                        (PtNDArray) grad,
                        (PtNDArray) mv[0],
                        (PtNDArray) mv[1],
                        (float) lr,
                        (float) (lr * correction2 / correction1),
                        (float) weightDecay,
                        1f,
                        -1f,
                        (float) beta1,
                        (float) beta2,
                        (float) (eps * correction2),
                        decoupled);
            }
        }
    }

    @Override
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

    /** Moments as {@code NAME/m} and {@code NAME/v}. */
    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new java.util.TreeMap<>();
        moments.forEach((name, mv) -> {
            out.put(name + "/m", mv[0]);
            out.put(name + "/v", mv[1]);
        });
        return out;
    }

    @Override
    public void restoreState(long steps, Map<String, NDArray> state) {
        Map<String, NDArray[]> restored = new HashMap<>();
        state.forEach((key, array) -> {
            int slash = key.lastIndexOf('/');
            NDArray[] mv = restored.computeIfAbsent(key.substring(0, slash), k -> new NDArray[2]);
            mv[key.endsWith("/m") ? 0 : 1] = array;
        });
        restore(steps, restored);
    }
}
