package e2kd.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import picocli.CommandLine.Option;

/** {@code --threads N} for commands that run models without a run config ({@code eval}, {@code explain}). */
final class ThreadsOption {
    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "libtorch intra-op threads (default: libtorch's, i.e. "
                            + "OMP_NUM_THREADS, which ./e2kd sets to the CPUs free at start; the same default as a run config's threads: 0).")
    Integer threads;

    /** Sets libtorch's threads when --threads was given. */
    void apply() {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads " + threads + " must be at least 1");
            }
            Engine.getInstance();
            JniUtils.setNumThreads(threads);
        }
    }
}
