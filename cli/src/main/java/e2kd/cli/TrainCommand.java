package e2kd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code e2kd train}: a teacher or baseline student from labels, optionally fine-tuned from a given model. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a model from labels (CE for standard models, uniform-off-label BCE for B-cos).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Option(
            names = {"--weights", "--init"},
            paramLabel = "FILE",
            description = "Start from this model: a run "
                    + "directory, an e2kd checkpoint, or a PyTorch state dict for --model ID (model options are read off its "
                    + "weights). --init is the older spelling.")
    String init;

    @Option(
            names = "--model",
            paramLabel = "ID",
            description = "Model id (the config's model; for a PyTorch file "
                    + "given by --weights, the id its keys are read as).")
    String model;

    @Option(
            names = "--reset-head",
            description = "With --init: replace the classifier by a new one for the data's classes.")
    Boolean resetHead;

    @Option(names = "--classes", paramLabel = "N", description = "Expected class count of the data (checked).")
    Integer classes;

    @Override
    public Integer call() throws Exception {
        List<String> sets = new ArrayList<>(List.of("method=labels"));
        DistillCommand.add(sets, "init", init);
        DistillCommand.add(sets, "model", model);
        DistillCommand.add(sets, "reset_head", resetHead);
        DistillCommand.add(sets, "num_classes", classes);
        return run.execute(sets, false);
    }
}
