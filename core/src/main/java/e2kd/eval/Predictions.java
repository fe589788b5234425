package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import java.util.Arrays;

/** Per-sample top-1 classes of a model (eval mode, no graph), for metrics that need more than a mean. */
public final class Predictions {
    private Predictions() {}

    /**
     * The top-1 class of every dataset sample, (N), by dataset index; -1 for a sample the loader skipped as an
     * unreadable image.
     */
    public static int[] top1(Model model, DataLoader loader, NDManager manager) {
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        int[] out = new int[loader.order(0).length];
        Arrays.fill(out, -1);
        try (EpochIterator it = loader.epoch(0, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    NDArray logits = Autograd.noGrad(() -> model.forward(b.images()));
                    long[] classes = logits.argMax(1).toLongArray();
                    long[] indices = b.indices();
                    for (int k = 0; k < classes.length; k++) {
                        out[(int) indices[k]] = (int) classes[k];
                    }
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return out;
    }
}
