package e2kd.train;

import e2kd.data.Batch;

/**
 * Called by the {@link TrainingLoop} after each step and each epoch: checkpoints, metrics, validation, progress and
 * the non-finite guard are hooks. With several devices the step is a {@link DataParallelStep} and the hooks see
 * replica 0 only, so what they write is written once.
 */
interface TrainingHook {
    /** After step {@code run.step()} (already counted) on batch {@code b}. */
    default void onStepEnd(RunState run, Batch b, StepResult result) {}

    /** After epoch {@code run.epoch()} (1-based, finished). */
    default void onEpochEnd(RunState run) {}
}
