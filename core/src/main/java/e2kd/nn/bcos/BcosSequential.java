package e2kd.nn.bcos;

import ai.djl.ndarray.NDArray;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nn.Sequential} of dynamic-linear blocks: children named "0", "1", … as in PyTorch state dicts, or by the
 * names given ({@code nn.Sequential(OrderedDict(...))}, e.g. DenseNet's {@code features.conv0}).
 */
public final class BcosSequential extends Module implements DynamicLinear {
    private final DynamicChain chain;
    private final Map<String, DynamicLinear> blocks = new LinkedHashMap<>();

    public BcosSequential(List<? extends Module> blocks) {
        this(numbered(blocks));
    }

    /** Children under the given names, applied in the map's order. */
    public BcosSequential(Map<String, ? extends Module> blocks) {
        blocks.forEach((name, block) -> this.blocks.put(name, (DynamicLinear) child(name, block)));
        this.chain = new DynamicChain(this.blocks);
    }

    private static Map<String, Module> numbered(List<? extends Module> blocks) {
        Map<String, Module> named = new LinkedHashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            named.put(Integer.toString(i), blocks.get(i));
        }
        return named;
    }

    /** The blocks by name, in order (for a model that taps inside this sequence). */
    public Map<String, DynamicLinear> blocks() {
        return java.util.Collections.unmodifiableMap(blocks);
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        return chain.forward(x, trace);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        return chain.transpose(g, trace);
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        return chain.linear(v, trace);
    }
}
