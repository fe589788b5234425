package e2kd.train;

import e2kd.data.Batch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Counts steps whose loss or gradients were not finite (their update was not applied) and reports each with the
 * dataset indices of its samples; with {@code on_nonfinite: stop} ends the run, leaving last.ckpt at the last
 * completed epoch.
 */
final class NonFiniteGuard implements TrainingHook {
    private final boolean stop;
    private final Path last;
    private final Progress progress;

    NonFiniteGuard(boolean stop, Path last, Progress progress) {
        this.stop = stop;
        this.last = last;
        this.progress = progress;
    }

    @Override
    public void onStepEnd(RunState run, Batch b, StepResult result) {
        if (!result.skipped()) {
            return;
        }
        run.skippedSteps++;
        String what = "step " + run.step + " (epoch " + (run.epoch + 1) + "): loss or gradients not finite, update not "
                + "applied; batch sample indices " + Arrays.toString(b.indices());
        if (stop) {
            throw new IllegalStateException(what + "; stopped (on_nonfinite=stop), last good checkpoint "
                    + (Files.exists(last) ? last : "none yet"));
        }
        progress.note(what + "; skipped (on_nonfinite=skip)");
    }
}
