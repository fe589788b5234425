package e2kd.cli;

import e2kd.experiments.Workers;
import e2kd.spark.SparkWorkers;
import picocli.CommandLine.Option;

/** {@code --spark [MASTER]} of the commands whose work splits into tasks (sweep, reproduce, precompute, eval). */
final class SparkOption {
    @Option(
            names = "--spark",
            arity = "0..1",
            paramLabel = "MASTER",
            fallbackValue = "local",
            description = "Run the tasks (runs, shards) on Apache Spark: alone, embedded in local mode on this "
                    + "machine's cores; or a master URL such as spark://host:7077. Needs the libtorch threads per "
                    + "task (--threads). docs/DISTRIBUTED.md.")
    String master;

    /** Where the command's tasks run, each with {@code threads} libtorch threads: Spark, or this process. */
    Workers workers(String command, Integer threads) {
        return master == null
                ? Workers.IN_PROCESS
                : SparkWorkers.start(master, command, threads == null ? 0 : threads, System.err);
    }
}
