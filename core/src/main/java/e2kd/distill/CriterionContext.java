package e2kd.distill;

import ai.djl.ndarray.NDManager;
import e2kd.nn.Model;

/**
 * What a factory may use to build a criterion.
 *
 * @param student       the student being trained
 * @param teacher       the live teacher, or null (training from labels, or a frozen teacher's stored outputs)
 * @param manager       owner of the criterion's parameters and state (the run's device)
 * @param trainSize     samples in the training split (for per-sample state)
 * @param stepsPerEpoch optimisation steps per epoch (0 where unknown): epoch e (1-based) holds the 0-based steps
 *                      [(e−1)·stepsPerEpoch, e·stepsPerEpoch)
 * @param seed          the run's seed, from which a criterion derives its own randomness (e.g. per step)
 * @param trainLabels   the class of each training sample, indexed like {@link CriterionInput#indices()}, or null
 *                      where unknown
 * @param labelling     whether the data is single- or multi-label
 */
public record CriterionContext(
        Model student,
        Model teacher,
        NDManager manager,
        long trainSize,
        int stepsPerEpoch,
        long seed,
        int[] trainLabels,
        Labelling labelling) {
    /** A context of single-label data without steps per epoch, seed or training labels. */
    public CriterionContext(Model student, Model teacher, NDManager manager, long trainSize) {
        this(student, teacher, manager, trainSize, 0, 0, null, Labelling.SINGLE_LABEL);
    }

    /** The 1-based epoch of 0-based step {@code step}; fails when steps per epoch are unknown. */
    public long epochOf(long step) {
        if (stepsPerEpoch <= 0) {
            throw new IllegalStateException("steps per epoch are unknown in this context");
        }
        return step / stepsPerEpoch + 1;
    }
}
