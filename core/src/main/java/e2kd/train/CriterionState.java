package e2kd.train;

import ai.djl.ndarray.NDArray;
import e2kd.distill.Objective;
import e2kd.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The criteria's parameters and state in a run's last checkpoint: entries {@code criteria/LABEL/KEY} beside the
 * optimizer's, never in the student's state dict (so export never sees them). The optimizer knows a criterion's
 * parameter as {@code criterion.LABEL.KEY}.
 */
final class CriterionState {
    static final String PREFIX = "criterion.";
    private static final String STATE = "criteria/";

    private CriterionState() {}

    /** Every criterion module's state dict under its prefixed keys. */
    static Map<String, NDArray> of(Objective objective) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        objective
                .modules()
                .forEach((label, m) -> m.stateDict().forEach((key, v) -> out.put(STATE + label + "/" + key, v)));
        return out;
    }

    /**
     * Copies saved values into the criteria's modules and removes every criterion entry from {@code tensors} (what
     * remains is the optimizer's); each module's keys must all be there.
     */
    static void restore(Objective objective, Map<String, NDArray> tensors) {
        for (Map.Entry<String, Module> e : objective.modules().entrySet()) {
            String prefix = STATE + e.getKey() + "/";
            Map<String, NDArray> own = new LinkedHashMap<>();
            tensors.entrySet().removeIf(t -> {
                if (t.getKey().startsWith(prefix)) {
                    own.put(t.getKey().substring(prefix.length()), t.getValue());
                    return true;
                }
                return false;
            });
            try {
                e.getValue().loadStateDict(own);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(
                        "criterion " + e.getKey() + " in the last checkpoint: " + bad.getMessage(), bad);
            }
        }
        tensors.keySet().removeIf(key -> key.startsWith(STATE));
    }
}
