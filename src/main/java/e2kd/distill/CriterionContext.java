package e2kd.distill;

import ai.djl.ndarray.NDManager;
import e2kd.nn.Model;

/**
 * What a factory may use to build a criterion.
 *
 * @param student   the student being trained
 * @param teacher   the live teacher, or null (training from labels, or a frozen teacher's stored outputs)
 * @param manager   owner of the criterion's parameters and state (the run's device)
 * @param trainSize samples in the training split (for per-sample state)
 */
public record CriterionContext(Model student, Model teacher, NDManager manager, long trainSize) {}
