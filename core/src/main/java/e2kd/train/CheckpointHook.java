package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Objective;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.train.optim.Optimizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * After every epoch, last.ckpt: the student, where the run stands ({@link RunState}), the optimizer's state and the
 * criteria's parameters and state, so {@code --resume} continues exactly.
 */
final class CheckpointHook implements TrainingHook {
    private final Path last;
    private final Model student;
    private final InputContract contract;
    private final Optimizer optimizer;
    private final Objective objective;

    CheckpointHook(Path last, Model student, InputContract contract, Optimizer optimizer, Objective objective) {
        this.last = last;
        this.student = student;
        this.contract = contract;
        this.optimizer = optimizer;
        this.objective = objective;
    }

    @Override
    public void onEpochEnd(RunState run) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(optimizer.state());
        tensors.putAll(CriterionState.of(objective));
        ModelCheckpoint.save(last, student, contract, run.toJson(optimizer.steps()), tensors);
    }
}
