package e2kd.cli;

import e2kd.train.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code e2kd distill}: KD or e²KD of a student from a teacher checkpoint. */
@Command(
        name = "distill",
        mixinStandardHelpOptions = true,
        description = "Distill a student from a teacher (run directory or checkpoint) with kd or e2kd, live or frozen.")
final class DistillCommand implements Callable<Integer> {
    @Mixin
    RunOptions run;

    @Mixin
    TeacherOptions teacher;

    @Option(
            names = "--method",
            description = "kd, e2kd, or with teacher outputs from 'e2kd precompute' (--frozen DIR) "
                    + "kd-frozen, e2kd-frozen.")
    String method;

    @Option(names = "--frozen", description = "Folder written by 'e2kd precompute' (for kd-frozen and e2kd-frozen).")
    String frozen;

    @Option(
            names = "--explainer",
            description = "gradcam, bcos or ixg (default by family: bcos for B-cos, gradcam otherwise).")
    String explainer;

    @Option(names = "--tau", description = "KD temperature.")
    Double tau;

    @Option(names = "--lambda", description = "Weight of the explanation term.")
    Double lambda;

    @Option(names = "--guided-every", description = "Apply the explanation term every K-th step.")
    Integer guidedEvery;

    @Override
    public Integer call() throws Exception {
        if (method != null && Method.parse(method).teacher() == Method.TeacherSource.NONE) {
            throw new IllegalArgumentException(
                    "--method must be kd, e2kd, kd-frozen or e2kd-frozen (use 'e2kd train' for labels)");
        }
        List<String> sets = new ArrayList<>();
        sets.addAll(teacher.sets());
        add(sets, "method", method);
        add(sets, "frozen_dir", frozen);
        add(sets, "explainer", explainer);
        add(sets, "tau", tau);
        add(sets, "lambda", lambda);
        add(sets, "guided_every", guidedEvery);
        return run.execute(sets, true);
    }

    static void add(List<String> sets, String key, Object value) {
        if (value != null) {
            sets.add(key + "=" + value);
        }
    }
}
