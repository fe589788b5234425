package e2kd.nn;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/** {@code nn.Sequential} of dynamic-linear blocks, children named "0", "1", … as in PyTorch state dicts. */
public final class BcosSequential extends Module implements DynamicLinear {
    private final DynamicChain chain;

    public BcosSequential(List<? extends Module> blocks) {
        List<DynamicLinear> linear = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Module m = child(Integer.toString(i), blocks.get(i));
            linear.add((DynamicLinear) m);
        }
        this.chain = new DynamicChain(linear);
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
