package e2kd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code e2kd train}: a teacher or baseline student from labels. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model from labels (CE for standard models, uniform-off-label BCE for B-cos).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Override
    public Integer call() throws Exception {
        return run.execute(List.of("method=labels"), false);
    }
}
