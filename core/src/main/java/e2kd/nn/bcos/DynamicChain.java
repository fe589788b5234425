package e2kd.nn.bcos;

import ai.djl.ndarray.NDArray;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Taps;
import e2kd.nn.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Composition f_n ∘ … ∘ f_1 of dynamic-linear blocks, each under a name (its tap point); its transpose runs the
 * blocks' transposes in reverse.
 */
public final class DynamicChain {
    private final List<String> names;
    private final List<DynamicLinear> blocks;

    /** Blocks named "0", "1", … */
    public DynamicChain(List<DynamicLinear> blocks) {
        this.blocks = List.copyOf(blocks);
        this.names = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            names.add(Integer.toString(i));
        }
    }

    /** Blocks under their names, applied in the map's order. */
    public DynamicChain(Map<String, DynamicLinear> named) {
        this.blocks = List.copyOf(named.values());
        this.names = List.copyOf(named.keySet());
    }

    List<String> names() {
        return names;
    }

    public NDArray forward(NDArray x, Trace trace) {
        return forward(x, trace, Taps.none());
    }

    /** The forward with {@code taps} called after each block under its name. */
    public NDArray forward(NDArray x, Trace trace, Taps taps) {
        NDArray out = x;
        for (int i = 0; i < blocks.size(); i++) {
            out = taps.at(names.get(i), blocks.get(i).forward(out, trace));
        }
        return out;
    }

    public NDArray transpose(NDArray g, Trace trace) {
        NDArray out = g;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            out = blocks.get(i).transpose(out, trace);
        }
        return out;
    }

    public NDArray linear(NDArray v, Trace trace) {
        NDArray out = v;
        for (DynamicLinear b : blocks) {
            out = b.linear(out, trace);
        }
        return out;
    }
}
