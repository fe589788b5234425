package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** libtorch's thread-local grad mode and the few autograd calls DJL's public API lacks. */
public final class Autograd {
    private static final AtomicLong CREATE_GRAPH_BACKWARDS = new AtomicLong();

    private Autograd() {}

    /** Runs {@code body} with the autograd graph disabled (teacher passes, optimizer and buffer updates). */
    public static <T> T noGrad(Supplier<T> body) {
        return withGradMode(false, body);
    }

    /** Runs {@code body} with the autograd graph recorded. */
    public static <T> T recording(Supplier<T> body) {
        return withGradMode(true, body);
    }

    /** Whether the autograd graph is being recorded on this thread. */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    private static <T> T withGradMode(boolean enabled, Supplier<T> body) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /**
     * Backpropagates {@code target} (a scalar) with seed 1. With {@code createGraph} the gradients themselves are
     * differentiable (double backprop); note that libtorch also accumulates into every parameter reached.
     */
    public static void backward(NDArray target, boolean createGraph) {
        if (createGraph) {
            CREATE_GRAPH_BACKWARDS.incrementAndGet();
        }
        try (NDArray seed = target.onesLike()) {
            JniUtils.backward((PtNDArray) target, (PtNDArray) seed, createGraph, createGraph);
        }
    }

    /**
     * How many {@code createGraph} backwards this process has run (all threads): training must run none, only the
     * test oracles and the explainers that need double backprop do.
     */
    public static long createGraphBackwards() {
        return CREATE_GRAPH_BACKWARDS.get();
    }

    /** Zeroes the accumulated gradient of every array given (no-op where none was accumulated). */
    public static void zeroGradients(Collection<NDArray> arrays) {
        for (NDArray a : arrays) {
            JniUtils.zeroGrad((PtNDArray) a);
        }
    }
}
