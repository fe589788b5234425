package e2kd.experiments;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the independent pieces of an experiment run (the runs of a grid, the shards of a teacher precompute or of an
 * evaluation): one after another in this process ({@link #IN_PROCESS}), or as tasks in other threads, processes or
 * machines (the e2kd-spark module). A task and its work travel serialized to where they run; each result comes back
 * to the calling thread as its task finishes. docs/DISTRIBUTED.md.
 */
public interface Workers extends AutoCloseable {
    /** The tasks run in the order given, in this thread, on this machine's files. */
    Workers IN_PROCESS = new Workers() {
        @Override
        public <T extends Serializable, R extends Serializable> void run(
                String name, List<T> tasks, Work<T, R> work, Done<R> done) throws IOException {
            for (int i = 0; i < tasks.size(); i++) {
                R result;
                try {
                    result = work.apply(tasks.get(i), LOCAL);
                } catch (IOException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(name + ": " + e.getMessage(), e);
                }
                done.accept(i, result);
            }
        }

        @Override
        public int slots() {
            return 1;
        }

        @Override
        public Place driver() {
            return LOCAL;
        }
    };

    /** This machine's files, by path or {@code file:} URI; a run trains straight into its folder. */
    Place LOCAL = new Place() {
        @Override
        public Path input(String location) {
            if (!Place.isUri(location)) {
                return Path.of(location);
            }
            URI uri = URI.create(location);
            if (!"file".equals(uri.getScheme())) {
                throw new IllegalArgumentException(location + " is read through Hadoop's FileSystem API, which "
                        + "e2kd uses with --spark; without it give a local path");
            }
            return Path.of(uri);
        }

        @Override
        public Path outputFolder(Path driverFolder) {
            return driverFolder;
        }
    };

    /**
     * Applies {@code work} to every task and hands each result to {@code done}, in this thread, as its task
     * finishes. When a task fails, the others still finish (their results are handed over), then the first failure
     * is thrown.
     *
     * @param name what the tasks are, for logs and errors
     */
    <T extends Serializable, R extends Serializable> void run(String name, List<T> tasks, Work<T, R> work, Done<R> done)
            throws IOException;

    /** {@link #run}, the results in task order. */
    default <T extends Serializable, R extends Serializable> List<R> map(String name, List<T> tasks, Work<T, R> work)
            throws IOException {
        List<R> results = new ArrayList<>(java.util.Collections.nCopies(tasks.size(), null));
        run(name, tasks, work, results::set);
        return results;
    }

    /** How many tasks run at the same time (to size shards). */
    int slots();

    /** The place of the calling process, for what it reads itself (a plan, a data set's size). */
    Place driver();

    /** Releases what the workers hold (a cluster connection); nothing in process. */
    @Override
    default void close() {}

    /** What a task does; it runs where the task is sent, so it keeps no state of the caller but what it captures. */
    @FunctionalInterface
    interface Work<T, R> extends Serializable {
        R apply(T task, Place here) throws Exception;
    }

    /** Takes a task's result on the calling thread. */
    @FunctionalInterface
    interface Done<R> {
        void accept(int task, R result) throws IOException;
    }

    /** The machine a task runs on: how it reads inputs and where it writes. */
    interface Place {
        /**
         * A local file or folder with the content of {@code location}: a path (read where it is, so it must be
         * visible there) or a URI such as {@code hdfs://…}, {@code s3a://…} or {@code file:///…}.
         */
        Path input(String location) throws IOException;

        /**
         * Where a task writes what belongs in {@code driverFolder} on the calling machine: that folder when the task
         * runs there, else a folder of its own machine, whose files the task then returns.
         */
        Path outputFolder(Path driverFolder);

        /** {@code location} itself when it is a path (or empty), else the path of its local copy ({@link #input}). */
        default String local(String location) throws IOException {
            return isUri(location) ? input(location).toString() : location;
        }

        /** Whether {@code location} is a URI ({@code scheme:/…}) rather than a path. */
        static boolean isUri(String location) {
            return location.matches("[A-Za-z][A-Za-z0-9+.-]+:/.*");
        }
    }
}
