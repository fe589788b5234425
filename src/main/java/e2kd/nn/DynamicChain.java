package e2kd.nn;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** Composition f_n ∘ … ∘ f_1 of dynamic-linear blocks; its transpose runs the blocks' transposes in reverse. */
final class DynamicChain {
    private final List<DynamicLinear> blocks;

    DynamicChain(List<DynamicLinear> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    NDArray forward(NDArray x, Trace trace) {
        NDArray out = x;
        for (DynamicLinear b : blocks) {
            out = b.forward(out, trace);
        }
        return out;
    }

    NDArray transpose(NDArray g, Trace trace) {
        NDArray out = g;
        for (int i = blocks.size() - 1; i >= 0; i--) {
            out = blocks.get(i).transpose(out, trace);
        }
        return out;
    }

    NDArray linear(NDArray v, Trace trace) {
        NDArray out = v;
        for (DynamicLinear b : blocks) {
            out = b.linear(out, trace);
        }
        return out;
    }
}
