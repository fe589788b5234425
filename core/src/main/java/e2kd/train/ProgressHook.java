package e2kd.train;

import e2kd.data.Batch;

/** Progress lines: one per step (as {@link Progress} shows them) and one per epoch. */
final class ProgressHook implements TrainingHook {
    private final Progress progress;
    private final LossMeter losses;

    ProgressHook(Progress progress, LossMeter losses) {
        this.progress = progress;
        this.losses = losses;
    }

    @Override
    public void onStepEnd(RunState run, Batch b, StepResult result) {
        double seconds = run.seconds();
        progress.step(
                run.epoch + 1,
                run.epochs,
                run.step,
                run.totalSteps,
                result,
                run.images / seconds,
                seconds / (run.step - run.startStep) * (run.totalSteps - run.step));
    }

    @Override
    public void onEpochEnd(RunState run) {
        progress.epoch(run.epoch, run.epochs, losses.total(), run.valTop1, run.epochImagesPerSecond);
    }
}
