package e2kd.cli;

import e2kd.experiments.ShardedPrecompute;
import e2kd.experiments.Workers;
import e2kd.train.TrainConfig;
import e2kd.train.frozen.Precompute;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code e2kd precompute}: a teacher's logits and explanations for a config's training split, once. */
@Command(
        name = "precompute",
        mixinStandardHelpOptions = true,
        description = "Store a teacher's logits and explanations (top-1 class) for the training split, in shards, "
                + "for 'distill --method e2kd-frozen --frozen DIR'. Re-running resumes: complete shards are skipped.")
final class PrecomputeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Mixin
    TeacherOptions teacher;

    @Mixin
    JsonOption output;

    @Option(names = "--out", required = true, description = "Folder for index.json and the shards.")
    Path out;

    @Option(names = "--explainer", description = "gradcam, bcos or ixg (default by the student model's family).")
    String explainer;

    @Option(names = "--shard-size", defaultValue = "256", description = "Samples per shard (default ${DEFAULT-VALUE}).")
    int shardSize;

    @Mixin
    SparkOption spark;

    @Override
    public Integer call() throws java.io.IOException {
        if (teacher.teacher == null) {
            throw new IllegalArgumentException(
                    "give --teacher FILE (run directory, checkpoint, or PyTorch file with " + "--teacher-model ID)");
        }
        List<String> sets = new java.util.ArrayList<>(teacher.sets());
        DistillCommand.add(sets, "explainer", explainer);
        TrainConfig resolved = config.resolve(null, sets);
        Precompute.Result r;
        if (spark.master == null) {
            r = Precompute.run(resolved, teacher.teacher, out, shardSize);
        } else {
            try (Workers workers = spark.workers("precompute", resolved.threads())) {
                r = ShardedPrecompute.run(resolved, teacher.teacher, out, shardSize, workers);
            }
        }
        if (output.json) {
            JsonOption.print(JsonOption.object()
                    .put("samples", r.samples())
                    .put("shards_written", r.written())
                    .put("shards_complete_before", r.skipped())
                    .put("unreadable_images", r.unreadable())
                    .put("index", out.resolve("index.json").toString()));
            return 0;
        }
        System.out.println(r.samples() + " samples: " + r.written() + " shards written, " + r.skipped()
                + " already complete (" + out.resolve("index.json") + ")"
                + (r.unreadable() > 0 ? "; " + r.unreadable() + " unreadable image(s) skipped (zero rows)" : ""));
        return 0;
    }
}
