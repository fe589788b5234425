package e2kd.explain;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Scalars;

/** Picks the class to explain per sample once the logits (B, C) are known; returns (B) int64. */
@FunctionalInterface
public interface ClassChoice {
    NDArray choose(NDArray logits);

    /** The model's own top-1 class (the teacher's choice in e²KD). */
    static ClassChoice top1() {
        return logits -> logits.argMax(1);
    }

    /** Given classes, e.g. the teacher's top-1 for the student (METHOD.md §1). */
    static ClassChoice fixed(NDArray classes) {
        return logits -> classes;
    }

    /**
     * Per sample, the class of highest logit among those whose entry in {@code targets} (B, C) is positive (the
     * sample's labelled classes, METHOD.md §7); the top-1 class where none is.
     */
    static ClassChoice highestAmong(NDArray targets) {
        return logits -> {
            NDArray labelled = targets.gt(0).toType(logits.getDataType(), false);
            // raising the labelled logits by more than the logits' whole range ranks each above every other class
            NDArray range = logits.max().sub(logits.min()).add(Scalars.of(logits, 1));
            return logits.add(labelled.mul(range)).argMax(1);
        };
    }
}
