package e2kd.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.Devices;
import java.util.Map;
import java.util.TreeMap;

/**
 * SGD with momentum and L2 weight decay, as torch.optim.SGD (dampening 0, no Nesterov):
 * d = ∇θ + wd·θ; b ← d on the first step, else b ← μ·b + d; θ ← θ − lr·b (θ ← θ − lr·d without momentum).
 * Parameters and buffers are updated in place; temporaries live in a scratch manager closed per step.
 */
public final class Sgd implements Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final Map<String, NDArray> buffers = new TreeMap<>();
    private long steps;

    public Sgd(double momentum, double weightDecay) {
        if (momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException(
                    "momentum=" + momentum + " and weight_decay=" + weightDecay + " must be non-negative");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(Map<String, NDArray> parameters, double lr) {
        steps++;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            try (NDManager scratch = Devices.newManager(p.getDevice())) {
                NDArray d = p.getGradient();
                d.attach(scratch);
                if (weightDecay != 0) {
                    NDArray decay = p.duplicate();
                    decay.attach(scratch);
                    d = decay.muli(weightDecay).addi(d);
                }
                NDArray update = d;
                if (momentum != 0) {
                    NDArray b = buffers.get(e.getKey());
                    if (b == null) {
                        b = d.duplicate();
                        b.attach(p.getManager());
                        buffers.put(e.getKey(), b);
                    } else {
                        b.muli(momentum).addi(d);
                    }
                    update = b.duplicate();
                    update.attach(scratch);
                }
                p.subi(update.mul(lr));
            }
        }
    }

    @Override
    public long steps() {
        return steps;
    }

    /** Momentum buffers as {@code NAME/momentum}. */
    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new TreeMap<>();
        buffers.forEach((name, b) -> out.put(name + "/momentum", b));
        return out;
    }

    @Override
    public void restoreState(long steps, Map<String, NDArray> state) {
        this.steps = steps;
        buffers.clear();
        state.forEach((key, b) -> buffers.put(key.substring(0, key.lastIndexOf('/')), b));
    }
}
