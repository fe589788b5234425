package e2kd.explain;

import ai.djl.ndarray.NDArray;

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
}
