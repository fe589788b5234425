package e2kd.spark;

import e2kd.experiments.Workers;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@link Workers} on Apache Spark: every task is a Spark job of one partition, submitted together, so the scheduler
 * runs as many at once as the executors have task slots ({@code spark.task.cpus} cores each, the libtorch threads of
 * a task) and a failed task is retried alone ({@code spark.task.maxFailures}); each result is handed over as its job
 * ends. Tasks read inputs and write outputs through {@link HadoopPlace}. docs/DISTRIBUTED.md.
 */
public final class SparkWorkers implements Workers {
    /**
     * Fault injection for tests and scripts: the task with this index (in each {@link #run}) fails once, on its first
     * attempt, after its work is done; the retry must then find the work done.
     */
    public static final String FAIL_ONCE = "e2kd.spark.failOnce";

    private final JavaSparkContext spark;
    private final int slots;
    private final PrintStream log;

    private SparkWorkers(JavaSparkContext spark, int slots, PrintStream log) {
        this.spark = spark;
        this.slots = slots;
        this.log = log;
    }

    /**
     * Starts Spark: {@code local} for this machine's cores in this process (as {@code local[N,4]}: four attempts per
     * task, as on a cluster), any other Spark master URL as given ({@code local[4]}, {@code spark://host:7077}, …).
     * Settings {@code spark.*} given as Java system properties win over the ones made here.
     *
     * @param threads libtorch threads per task: a task takes as many cores of its executor
     */
    public static SparkWorkers start(String master, String app, int threads, PrintStream log) {
        if (threads < 1) {
            throw new IllegalArgumentException("--spark needs the libtorch threads per task (--threads N, at least 1): "
                    + "a task takes that many cores of its executor");
        }
        if (!master.equals("local") && !master.startsWith("local[") && !master.matches("[a-z]+://.+")) {
            throw new IllegalArgumentException("--spark " + master + " is not a Spark master; expected local, "
                    + "local[N] or a URL such as spark://HOST:7077 (put it right after --spark)");
        }
        SparkConf conf = new SparkConf();
        int cores = Runtime.getRuntime().availableProcessors();
        boolean local = master.startsWith("local");
        conf.setIfMissing(
                "spark.master",
                "local".equals(master)
                        ? "local[" + cores + "," + conf.getInt("spark.task.maxFailures", 4) + "]"
                        : master);
        conf.setIfMissing("spark.app.name", "e2kd " + app);
        conf.setIfMissing("spark.task.cpus", Integer.toString(local ? Math.min(threads, cores) : threads));
        conf.setIfMissing("spark.ui.enabled", "false");
        if (local) {
            // nothing outside this process talks to a local driver
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        // executors run the classes this process runs: its class path (target/e2kd.jar names target/lib/*.jar in
        // its manifest), at the same absolute paths on the workers
        conf.setIfMissing("spark.executor.extraClassPath", absoluteClassPath());
        // as ./e2kd sets them for itself: threads of concurrent tasks sleep when they wait, libtorch stays quiet
        conf.setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        conf.setIfMissing("spark.executorEnv.TORCH_CPP_LOG_LEVEL", "ERROR");
        JavaSparkContext spark = new JavaSparkContext(conf);
        int taskCpus = spark.getConf().getInt("spark.task.cpus", 1);
        int slots = Math.max(1, spark.defaultParallelism() / taskCpus);
        log.printf(
                Locale.ROOT,
                "spark: %s, %d task slot(s) of %d core(s), application %s%n",
                spark.master(),
                slots,
                taskCpus,
                spark.sc().applicationId());
        return new SparkWorkers(spark, slots, log);
    }

    @Override
    public <T extends Serializable, R extends Serializable> void run(
            String name, List<T> tasks, Work<T, R> work, Done<R> done) throws IOException {
        int failOnce = Integer.getInteger(FAIL_ONCE, -1);
        List<JavaFutureAction<List<Ran<R>>>> jobs = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            boolean fail = i == failOnce;
            spark.setJobDescription(name + ": " + tasks.get(i));
            jobs.add(spark.parallelize(List.of(tasks.get(i)), 1)
                    .map(task -> Ran.of(work, task, fail))
                    .collectAsync());
        }
        RuntimeException failed = null;
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            pending.add(i);
        }
        while (!pending.isEmpty()) {
            List<Integer> finished =
                    pending.stream().filter(i -> jobs.get(i).isDone()).toList();
            if (finished.isEmpty()) {
                sleep();
            }
            for (int i : finished) {
                pending.remove(Integer.valueOf(i));
                try {
                    Ran<R> ran = jobs.get(i).get().get(0);
                    log.printf(
                            Locale.ROOT,
                            "spark: %s: %s ran on executor %s (%s), attempt %d, %.1f s%n",
                            name,
                            tasks.get(i),
                            ran.executor(),
                            ran.host(),
                            ran.attempt() + 1,
                            ran.seconds());
                    done.accept(i, ran.result());
                } catch (ExecutionException | RuntimeException | IOException e) {
                    if (failed == null) {
                        failed = new IllegalStateException(name + ": " + tasks.get(i) + " failed: " + firstLine(e), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    jobs.forEach(job -> job.cancel(true));
                    throw new IllegalStateException(name + ": interrupted", e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public Place driver() {
        return HadoopPlace.INSTANCE;
    }

    @Override
    public void close() {
        spark.close();
    }

    /** What a task's job returns: the result, where and in which attempt it ran, and how long the work took. */
    record Ran<R>(R result, String executor, String host, int attempt, double seconds) implements Serializable {
        static <T, R> Ran<R> of(Work<T, R> work, T task, boolean failOnce) throws Exception {
            long started = System.nanoTime();
            R result = work.apply(task, HadoopPlace.INSTANCE);
            TaskContext context = TaskContext.get();
            if (failOnce && context.attemptNumber() == 0) {
                throw new IllegalStateException("failure injected after the work by -D" + FAIL_ONCE);
            }
            return new Ran<>(
                    result,
                    SparkEnv.get().executorId(),
                    SparkEnv.get().blockManager().blockManagerId().host(),
                    context.attemptNumber(),
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The first line of the deepest message: Spark's says which task failed how often, and the task's error. */
    private static String firstLine(Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        return message.lines().findFirst().orElse(message);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
