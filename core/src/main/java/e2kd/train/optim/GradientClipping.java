package e2kd.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.Devices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gradient clipping applied in place between backward and the optimizer step (call under no-grad).
 * <ul>
 *   <li>{@code agc}: adaptive gradient clipping (NFNets; timm's {@code adaptive_clip_grad}), unit-wise over dim 0:
 *       per unit, max = factor·max(‖θ_unit‖, 1e-3); g_unit ← g_unit·max/max(‖g_unit‖, 1e-6) where ‖g_unit‖ > max.
 *       1-D parameters form one unit.</li>
 *   <li>{@code norm}: torch's clip_grad_norm_: g ← g·min(1, max/(‖g‖_total + 1e-6)).</li>
 * </ul>
 */
public final class GradientClipping {
    /** The clipping kinds a config can name. */
    public enum Kind {
        NONE,
        AGC,
        NORM
    }

    private static final double AGC_EPS = 1e-3;
    private static final double GRAD_EPS = 1e-6;
    private final Kind kind;
    private final double value;

    public GradientClipping(Kind kind, double value) {
        if (kind != Kind.NONE && !(value > 0)) {
            throw new IllegalArgumentException("clip_value=" + value + " must be positive for clip="
                    + kind.name().toLowerCase());
        }
        this.kind = kind;
        this.value = value;
    }

    public static GradientClipping none() {
        return new GradientClipping(Kind.NONE, 0);
    }

    /** Clips the gradients of {@code parameters} in place. */
    public void apply(Map<String, NDArray> parameters) {
        if (kind == Kind.NONE) {
            return;
        }
        try (NDManager scratch = Devices.newManager()) {
            List<NDArray> grads = new ArrayList<>();
            List<NDArray> params = new ArrayList<>();
            for (NDArray p : parameters.values()) {
                NDArray g = p.getGradient();
                g.attach(scratch);
                grads.add(g);
                params.add(p);
            }
            if (kind == Kind.AGC) {
                for (int i = 0; i < grads.size(); i++) {
                    agc(params.get(i), grads.get(i), scratch);
                }
            } else {
                double total = 0;
                for (NDArray g : grads) {
                    total += g.square()
                            .sum()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .getDouble();
                }
                double coef = Math.min(1.0, value / (Math.sqrt(total) + GRAD_EPS));
                for (NDArray g : grads) {
                    g.muli(coef);
                }
            }
        }
    }

    private void agc(NDArray p, NDArray g, NDManager scratch) {
        NDArray copy = p.duplicate();
        copy.attach(scratch);
        NDArray pn = unitNorm(copy);
        NDArray gn = unitNorm(g);
        NDArray maxNorm = pn.maximum(AGC_EPS).muli(value);
        NDArray clipped = maxNorm.div(gn.maximum(GRAD_EPS));
        NDArray scale = ai.djl.ndarray.NDArrays.where(gn.gt(maxNorm), clipped, clipped.onesLike());
        g.muli(scale);
    }

    /** ‖x‖₂ per unit: over all dims but 0, keeping dims; over everything for ≤1-D arrays. */
    private static NDArray unitNorm(NDArray x) {
        int n = x.getShape().dimension();
        if (n <= 1) {
            return x.square().sum().sqrt();
        }
        int[] axes = new int[n - 1];
        for (int i = 1; i < n; i++) {
            axes[i - 1] = i;
        }
        return x.square().sum(axes, true).sqrt();
    }
}
