package e2kd.train.optim;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam / AdamW with PyTorch's semantics (torch.optim.Adam/AdamW), run by libtorch's multi-tensor kernel
 * ({@link FusedAdam}): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε). AdamW
 * first decays θ ← θ·(1 − lr·wd) (decoupled); Adam adds wd·θ to the gradient. The moments are stored in their
 * parameter's layout (channels-last weights included), which the kernel requires.
 */
public final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    /** Moments taken from a checkpoint, copied into their parameter's layout at their first step. */
    private final Set<String> restoredLayouts = new HashSet<>();

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
        List<NDArray> params = new ArrayList<>();
        List<NDArray> grads = new ArrayList<>();
        List<NDArray> firstMoments = new ArrayList<>();
        List<NDArray> secondMoments = new ArrayList<>();
        try {
            for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
                NDArray p = e.getValue();
                NDArray[] mv = moments.computeIfAbsent(
                        e.getKey(), k -> new NDArray[] {zerosInLayoutOf(p), zerosInLayoutOf(p)});
                if (restoredLayouts.remove(e.getKey())) {
                    mv[0] = inLayoutOf(p, mv[0]);
                    mv[1] = inLayoutOf(p, mv[1]);
                }
                if (decoupled && weightDecay != 0) {
                    p.muli(1 - lr * weightDecay);
                }
                params.add(p);
                grads.add(p.getGradient());
                firstMoments.add(mv[0]);
                secondMoments.add(mv[1]);
            }
            FusedAdam.step(
                    params,
                    grads,
                    firstMoments,
                    secondMoments,
                    steps,
                    lr,
                    beta1,
                    beta2,
                    decoupled ? 0 : weightDecay,
                    eps);
        } finally {
            grads.forEach(NDArray::close);
        }
    }

    /** {@code moment}'s values in an array with {@code p}'s strides (a checkpoint's arrays are contiguous). */
    private static NDArray inLayoutOf(NDArray p, NDArray moment) {
        NDArray like = zerosInLayoutOf(p);
        like.addi(moment);
        moment.close();
        return like;
    }

    /**
     * Zeros with {@code p}'s shape, type and strides. DJL's {@code zerosLike} makes a contiguous array; an elementwise
     * result keeps its input's strides, and {@code isNaN} → 0/1 → ·0 gives zeros whatever {@code p} holds.
     */
    private static NDArray zerosInLayoutOf(NDArray p) {
        try (NDArray nan = p.isNaN()) {
            return nan.toType(p.getDataType(), false).muli(0);
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
        restoredLayouts.clear();
        restoredLayouts.addAll(moments.keySet());
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
