package e2kd.train;

import e2kd.data.Batch;

/** Feeds the {@link LossMeter} with every applied step; starts a new mean after each validated epoch. */
final class LossMeterHook implements TrainingHook {
    private final LossMeter losses;

    LossMeterHook(LossMeter losses) {
        this.losses = losses;
    }

    @Override
    public void onStepEnd(RunState run, Batch b, StepResult result) {
        if (!result.skipped()) {
            losses.add(result);
        }
    }

    @Override
    public void onEpochEnd(RunState run) {
        if (run.valTop1 != null) {
            losses.reset();
        }
    }
}
