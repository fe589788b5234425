package e2kd.nn;

import ai.djl.ndarray.NDArray;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Named intermediate tensors of one forward pass (feature taps, as torchdistill's forward hooks but asked of the
 * model's own forward): a model calls {@link #at} at each named point ({@code layer3}, {@code layer4.pre},
 * {@code pool}, {@code cam}, … see {@link Model#tapNames()}); a tap either captures the tensor or replaces it by an
 * operator's result (GradCAM's zero leaf). Points nobody asked for cost one map look-up; features that need extra
 * work ({@code pool}, {@code cam}, pre-activations) are computed only when {@link #wants} says so.
 */
public final class Taps {
    private static final Taps NONE = new Taps(Set.of(), Map.of(), Map.of(), new LinkedHashMap<>());
    private final Set<String> captured;
    private final Map<String, UnaryOperator<NDArray>> operators;
    private final Map<String, String> aliases;
    private final Map<String, NDArray> features;

    private Taps(
            Set<String> captured,
            Map<String, UnaryOperator<NDArray>> operators,
            Map<String, String> aliases,
            Map<String, NDArray> features) {
        this.captured = captured;
        this.operators = operators;
        this.aliases = aliases;
        this.features = features;
    }

    /** No taps: the plain forward. */
    public static Taps none() {
        return NONE;
    }

    /** Captures the named features (empty: none). */
    public static Taps capture(Set<String> names) {
        return names.isEmpty() ? NONE : new Taps(Set.copyOf(names), Map.of(), Map.of(), new LinkedHashMap<>());
    }

    /** These taps plus {@code operator} applied at {@code name} (its result is what the forward continues with). */
    public Taps with(String name, UnaryOperator<NDArray> operator) {
        Map<String, UnaryOperator<NDArray>> ops = new HashMap<>(operators);
        ops.put(name, operator);
        return new Taps(captured, ops, aliases, features);
    }

    /** A view in which a point named like a key of {@code more} is also reached under its value (e.g. denseblock3 → layer3). */
    public Taps aliased(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(aliases);
        all.putAll(more);
        return new Taps(captured, operators, all, features);
    }

    /** Whether any tap is at {@code name} (or at its alias). */
    public boolean wants(String name) {
        String alias = aliases.get(name);
        return captured.contains(name)
                || operators.containsKey(name)
                || alias != null && (captured.contains(alias) || operators.containsKey(alias));
    }

    /** Called by a model at point {@code name} with its tensor there; returns what the forward continues with. */
    public NDArray at(String name, NDArray value) {
        NDArray out = apply(name, value);
        String alias = aliases.get(name);
        return alias == null ? out : apply(alias, out);
    }

    private NDArray apply(String name, NDArray value) {
        UnaryOperator<NDArray> op = operators.get(name);
        NDArray out = op == null ? value : op.apply(value);
        if (captured.contains(name)) {
            features.put(name, out);
        }
        return out;
    }

    /** The captured features by name. */
    public Map<String, NDArray> features() {
        return features;
    }

    /** Fails with a one-line message naming the valid points when a tap names a point {@code model} lacks. */
    public void check(Model model) {
        List<String> valid = model.tapNames();
        Set<String> asked = new HashSet<>(captured);
        asked.addAll(operators.keySet());
        for (String name : asked) {
            if (!valid.contains(name)) {
                throw new IllegalArgumentException("model " + model.spec().id() + " has no feature '" + name
                        + "'; valid: " + String.join(", ", valid));
            }
        }
    }
}
