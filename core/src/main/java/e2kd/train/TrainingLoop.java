package e2kd.train;

import ai.djl.ndarray.NDManager;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.train.optim.Schedule;
import java.util.List;

/**
 * The loop of a run, as the paper's algorithm reads: for each epoch, for each batch, one step (teacher outputs,
 * student outputs, criteria, backward, update); then the hooks. Everything else is a {@link TrainingHook}.
 */
final class TrainingLoop {
    /** One training step on a batch at a learning rate. */
    interface BatchStep {
        StepResult run(Batch b, long step, double lr);
    }

    private final DataLoader train;
    private final BatchStep step;
    private final Schedule schedule;
    private final List<TrainingHook> hooks;

    TrainingLoop(DataLoader train, BatchStep step, Schedule schedule, List<TrainingHook> hooks) {
        this.train = train;
        this.step = step;
        this.schedule = schedule;
        this.hooks = List.copyOf(hooks);
    }

    /** Runs from {@code run.epoch} until the last epoch or until a hook sets {@code run.stop}. */
    void run(RunState run, NDManager base) {
        while (run.epoch < run.epochs && !run.stop) {
            try (EpochIterator it = train.epoch(run.epoch, base)) {
                while (it.hasNext()) {
                    try (Batch b = it.next()) {
                        StepResult r = step.run(b, run.step, schedule.at(run.step));
                        run.step++;
                        run.images += b.size();
                        for (TrainingHook h : hooks) {
                            h.onStepEnd(run, b, r);
                        }
                    }
                }
            }
            run.epoch++;
            run.epochImagesPerSecond = run.imagesPerSecond();
            run.valTop1 = null;
            for (TrainingHook h : hooks) {
                h.onEpochEnd(run);
            }
        }
    }
}
