package e2kd.experiments;

import e2kd.train.TrainConfig;
import e2kd.train.frozen.Precompute;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code precompute} through {@link Workers}: this process plans the store (as {@link Precompute#run} does), each task
 * computes a run of consecutive missing shards where it runs (the missing shards spread over the task slots, at most
 * {@value #MAX_SHARDS_PER_TASK} a task) and sends them back, and this process writes them as
 * they come and marks the store complete. A shard is one batch of the teacher either way, so the store is byte for
 * byte the one {@link Precompute#run} writes at the same thread count.
 */
public final class ShardedPrecompute {
    /** At most this many shards go to one task: its result travels back whole (256 samples of maps per shard). */
    static final int MAX_SHARDS_PER_TASK = 4;

    private ShardedPrecompute() {}

    /** Consecutive shards for one task, and what it needs to compute them. */
    record Part(TrainConfig config, String teacher, int[] shards, int shardSize) implements Serializable {
        @Override
        public String toString() {
            return "shards " + shards[0] + "-" + shards[shards.length - 1];
        }
    }

    public static Precompute.Result run(TrainConfig config, String teacher, Path out, int shardSize, Workers workers)
            throws IOException {
        Precompute.Plan plan;
        TrainConfig local = Runs.withLocalInputs(config, workers.driver());
        try (Precompute.Teacher t =
                Precompute.Teacher.open(local, workers.driver().local(teacher))) {
            // the store names its teacher as given: a URI, not this process's copy of it
            plan = t.plan(config, Workers.Place.isUri(teacher) ? teacher : t.file(), out, shardSize);
        }
        List<Integer> missing = plan.missing();
        int perTask =
                Math.max(1, Math.min(MAX_SHARDS_PER_TASK, (missing.size() + workers.slots() - 1) / workers.slots()));
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < missing.size(); i += perTask) {
            int[] shards = missing.subList(i, Math.min(missing.size(), i + perTask)).stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
            parts.add(new Part(config, teacher, shards, shardSize));
        }
        int[] unreadable = {0};
        workers.run("precompute", parts, ShardedPrecompute::compute, (i, shards) -> {
            for (Precompute.Shard shard : shards) {
                Precompute.write(out, shard);
                unreadable[0] += shard.unreadable();
            }
        });
        return Precompute.finish(out, plan, unreadable[0]);
    }

    /** A task: the part's shards, computed where it runs. */
    private static ArrayList<Precompute.Shard> compute(Part part, Workers.Place here) throws IOException {
        ArrayList<Precompute.Shard> shards = new ArrayList<>();
        try (Precompute.Teacher t =
                Precompute.Teacher.open(Runs.withLocalInputs(part.config(), here), here.local(part.teacher()))) {
            t.compute(java.util.Arrays.stream(part.shards()).boxed().toList(), part.shardSize(), shards::add);
        }
        return shards;
    }
}
