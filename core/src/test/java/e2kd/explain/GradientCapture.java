package e2kd.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.train.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer that only keeps a copy of each gradient it is handed, owned by {@code manager}: a training step's
 * gradients exist for its update only (the step gives the parameters fresh gradient leaves).
 */
final class GradientCapture implements Optimizer {
    final Map<String, NDArray> gradients = new LinkedHashMap<>();
    private final NDManager manager;
    private long steps;

    GradientCapture(NDManager manager) {
        this.manager = manager;
    }

    @Override
    public void step(Map<String, NDArray> parameters, double lr) {
        steps++;
        parameters.forEach((key, p) -> {
            try (NDArray g = p.getGradient()) {
                NDArray copy = g.duplicate();
                copy.attach(manager);
                gradients.put(key, copy);
            }
        });
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, NDArray> state() {
        return Map.of();
    }

    @Override
    public void restoreState(long steps, Map<String, NDArray> state) {
        throw new UnsupportedOperationException("a test optimizer has no state");
    }
}
