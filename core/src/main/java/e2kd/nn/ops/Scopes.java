package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * DJL attaches an op's result to the manager of its first operand, and an array lives as long as its manager.
 * Results computed from a parameter would land in the model's long-lived manager and pile up ({@link #owned} moves
 * them to the manager of the current step's input); intermediates of a pass would all stay alive until the step's
 * manager closes, where PyTorch frees each as soon as nothing refers to it ({@link #keepingOnly} frees them earlier).
 */
public final class Scopes {
    private Scopes() {}

    /** Attaches {@code result} to {@code like}'s manager and returns it. */
    public static NDArray owned(NDArray like, NDArray result) {
        return owned(like.getManager(), result);
    }

    /** Attaches {@code result} to {@code owner} and returns it. */
    public static NDArray owned(NDManager owner, NDArray result) {
        result.attach(owner);
        return result;
    }

    /**
     * Runs {@code body} with the arrays derived from {@code anchors} in a scope of their own, moves the arrays that
     * {@code kept} names of the result to the first anchor's manager, and closes every other array of the scope; the
     * anchors go back to their managers. Autograd holds its own references to what the backward needs, so this is
     * safe while recording too: only the DJL handles go, and libtorch frees a tensor when no handle and no graph node
     * refers to it. Nulls among the anchors are skipped.
     */
    public static <T> T keepingOnly(
            List<NDArray> anchors, Supplier<T> body, Function<T, ? extends Collection<NDArray>> kept) {
        Set<NDArray> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        anchors.stream().filter(Objects::nonNull).forEach(distinct::add);
        NDManager owner = anchors.get(0).getManager();
        try (NDManager scope = owner.newSubManager()) {
            distinct.forEach(a -> a.tempAttach(scope));
            T result = body.get();
            kept.apply(result).forEach(a -> a.attach(owner));
            return result;
        }
    }

    /** {@link #keepingOnly(List, Supplier, Function)} with one anchor, keeping the one array the body returns. */
    public static NDArray keepingOnly(NDArray anchor, Supplier<NDArray> body) {
        return keepingOnly(List.of(anchor), body, List::of);
    }
}
