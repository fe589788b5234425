package e2kd.nn;

import ai.djl.ndarray.NDArray;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What one forward pass recorded for the transposed pass: per dynamic-linear block, its dynamic factors (the
 * B-cos scale |ŵᵀx|/‖x‖, a norm's γ/σ) and the input's spatial size. Factors stay in the autograd graph of the
 * forward that produced them (METHOD.md §2: the explanation depends on θ through their values).
 */
public final class Trace {
    /**
     * The record of one block: its dynamic factor (may be null for purely linear blocks), its weight and the
     * per-output-unit norms that normalise it (B-cos units; null elsewhere), and its input size.
     */
    public record Entry(NDArray factor, NDArray weight, NDArray weightNorm, long inputHeight, long inputWidth) {
        /** An entry without weight norms. */
        public Entry(NDArray factor, NDArray weight, long inputHeight, long inputWidth) {
            this(factor, weight, null, inputHeight, inputWidth);
        }
    }

    private final Map<Module, Entry> entries = new IdentityHashMap<>();
    private final boolean detachFactors;

    /** A trace whose factors stay in the graph: the exact semantics of METHOD.md §2. */
    public Trace() {
        this(false);
    }

    private Trace(boolean detachFactors) {
        this.detachFactors = detachFactors;
    }

    /**
     * A trace that detaches every dynamic factor (B-cos-v2's detach mode). Its explanation has the right value but
     * drops W(x)'s dependence on θ through the factors, so training through it gets the wrong gradient; kept to show
     * that difference in tests.
     */
    public static Trace detachingFactors() {
        return new Trace(true);
    }

    public void record(Module block, Entry entry) {
        if (detachFactors && entry.factor() != null) {
            entry = new Entry(
                    entry.factor().stopGradient(),
                    entry.weight(),
                    entry.weightNorm(),
                    entry.inputHeight(),
                    entry.inputWidth());
        }
        if (entries.put(block, entry) != null) {
            throw new IllegalStateException(
                    "block traced twice in one forward: " + block.getClass().getSimpleName());
        }
    }

    public Entry of(Module block) {
        Entry e = entries.get(block);
        if (e == null) {
            throw new IllegalStateException(
                    "no forward was traced for " + block.getClass().getSimpleName());
        }
        return e;
    }
}
