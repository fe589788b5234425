package e2kd.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a run stands, shared by the loop and its hooks, and saved in last.ckpt's trainer metadata: finished epochs,
 * global steps, best validation top-1 and its epoch, skipped (non-finite) steps; per process also the images seen,
 * the latest validation top-1 and whether to stop after this epoch.
 */
final class RunState {
    final int epochs;
    final long totalSteps;
    int epoch;
    long step;
    double bestTop1 = -1;
    int bestEpoch;
    long skippedSteps;
    final long startStep;
    final long started = System.nanoTime();
    long images;
    double epochImagesPerSecond;
    Double valTop1;
    boolean stop;

    private RunState(int epochs, long totalSteps, JsonNode saved) {
        this.epochs = epochs;
        this.totalSteps = totalSteps;
        if (saved != null) {
            epoch = saved.path("epoch").asInt();
            step = saved.path("step").asLong();
            bestTop1 = saved.path("best_top1").asDouble();
            bestEpoch = saved.path("best_epoch").asInt();
            skippedSteps = saved.path("skipped_steps").asLong();
        }
        startStep = step;
    }

    /** A new run, or one continuing from last.ckpt's trainer metadata {@code saved}. */
    static RunState of(int epochs, long totalSteps, JsonNode saved) {
        return new RunState(epochs, totalSteps, saved);
    }

    /** The trainer metadata of last.ckpt (with the optimizer's step count). */
    ObjectNode toJson(long optimizerSteps) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        t.put("epoch", epoch);
        t.put("step", step);
        t.put("optimizer_steps", optimizerSteps);
        t.put("best_top1", bestTop1);
        t.put("best_epoch", bestEpoch);
        t.put("skipped_steps", skippedSteps);
        return t;
    }

    double seconds() {
        return Math.max(1e-9, (System.nanoTime() - started) / 1e9);
    }

    double imagesPerSecond() {
        return images / seconds();
    }
}
