package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.InPlace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A node of a model tree, shaped like PyTorch's {@code nn.Module}: named parameters, named buffers and named
 * children, so that {@link #stateDict()} yields exactly the torchvision / B-cos-v2 state-dict keys
 * ({@code layer1.0.conv1.linear.weight}, {@code bn1.running_var}, ...).
 *
 * <p>Why not DJL's {@code AbstractBlock}: it numbers child names ({@code 01conv1}) and routes parameters through a
 * {@code ParameterStore}; our blocks also need a traced forward and a transposed pass (see {@link DynamicLinear}),
 * which Block's {@code forward(ParameterStore, NDList, boolean)} cannot express. Tensor math still runs in libtorch
 * through DJL NDArrays, and every {@link Model} is a DJL Block through {@link ModelBlock} (parameters under their
 * PyTorch keys), for use with DJL's {@code Model}, {@code Predictor} and {@code Trainer}.
 */
public abstract class Module {
    /** Names listed per kind of problem in a state-dict error before the rest is only counted. */
    private static final int LISTED = 8;

    private final Map<String, NDArray> parameters = new LinkedHashMap<>();
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter (gradient attached). */
    protected final NDArray parameter(String name, NDArray value) {
        value.setRequiresGradient(true);
        parameters.put(name, value);
        return value;
    }

    /** Registers a non-trainable state array (running statistics, counters). */
    protected final NDArray buffer(String name, NDArray value) {
        buffers.put(name, value);
        return value;
    }

    public final <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    /** This module's own parameter {@code name} (looked up per use, so dtype conversion can replace it). */
    protected final NDArray param(String name) {
        return parameters.get(name);
    }

    /** This module's own buffer {@code name}. */
    protected final NDArray buf(String name) {
        return buffers.get(name);
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Parameters under their full dotted names, in PyTorch's registration order. */
    public final Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collect(this, "", out, true, false);
        return out;
    }

    /** Buffers under their full dotted names. */
    public final Map<String, NDArray> buffers() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collect(this, "", out, false, true);
        return out;
    }

    /** Parameters and buffers in {@code torch.nn.Module.state_dict()} order. */
    public final Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        collect(this, "", out, true, true);
        return out;
    }

    private static void collect(Module m, String prefix, Map<String, NDArray> out, boolean params, boolean bufs) {
        if (params) {
            m.parameters.forEach((k, v) -> out.put(prefix + k, v));
        }
        if (bufs) {
            m.buffers.forEach((k, v) -> out.put(prefix + k, v));
        }
        m.children.forEach((k, c) -> collect(c, prefix + k + ".", out, params, bufs));
    }

    /**
     * Copies values into this module's arrays by state-dict key, checking names and shapes. Every key must be
     * present; values are converted to each array's data type.
     *
     * @throws IllegalArgumentException listing missing, unexpected and mis-shaped keys by name
     */
    public final void loadStateDict(Map<String, NDArray> values) {
        loadStateDict(values, key -> false);
    }

    /**
     * As {@link #loadStateDict(Map)}, but own keys for which {@code keepOwn} holds are neither required nor accepted
     * in {@code values}: they keep their current value (e.g. a freshly initialised classifier).
     */
    public final void loadStateDict(Map<String, NDArray> values, Predicate<String> keepOwn) {
        Map<String, NDArray> own = stateDict();
        own.keySet().removeIf(keepOwn);
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        for (String key : own.keySet()) {
            if (!values.containsKey(key)) {
                missing.add(key);
            }
        }
        for (Map.Entry<String, NDArray> e : values.entrySet()) {
            NDArray target = own.get(e.getKey());
            if (target == null) {
                unexpected.add(e.getKey());
            } else if (!sameShape(target.getShape(), e.getValue().getShape())) {
                misShaped.add(e.getKey() + " " + e.getValue().getShape() + " vs model " + target.getShape());
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
            List<String> parts = new ArrayList<>();
            listed(parts, missing, "missing key");
            listed(parts, unexpected, "unexpected key");
            listed(parts, misShaped, "shape mismatch");
            throw new IllegalArgumentException(
                    "state dict does not fit model " + describe() + ": " + String.join("; ", parts));
        }
        own.forEach((key, target) -> InPlace.copy(values.get(key), target));
        notifyWeightsChanged();
    }

    /** How errors name this module: the model id where there is one. */
    String describe() {
        return getClass().getSimpleName();
    }

    /** "3 missing keys: a, b, c" with at most {@value #LISTED} names, then "… (N more)". */
    private static void listed(List<String> parts, List<String> names, String what) {
        if (names.isEmpty()) {
            return;
        }
        String shown = String.join(", ", names.subList(0, Math.min(LISTED, names.size())));
        String more = names.size() > LISTED ? ", … (" + (names.size() - LISTED) + " more)" : "";
        String plural = names.size() == 1 ? what : what.endsWith("h") ? what + "es" : what + "s";
        parts.add(names.size() + " " + plural + ": " + shown + more);
    }

    private static boolean sameShape(Shape a, Shape b) {
        // PyTorch stores scalar counters (num_batches_tracked) with shape (); accept (1) for them too.
        return a.equals(b) || (a.size() == 1 && b.size() == 1 && a.dimension() + b.dimension() <= 1);
    }

    /**
     * Gives every trainable parameter of the tree a fresh gradient leaf on the same storage until the returned
     * handle closes, then puts the parameters back and frees the leaves with their gradients. libtorch's backward
     * hands a leaf without a gradient the computed array itself, where a parameter whose gradient was zeroed gets a
     * zeroing pass and an add; this is PyTorch's {@code zero_grad(set_to_none=True)}, for which DJL has no call
     * (docs/DJL-NOTES.md). In-place updates of a leaf update the parameter (one storage).
     */
    public final FreshGradients freshGradients() {
        List<Runnable> restore = new ArrayList<>();
        swapInLeaves(this, restore);
        return () -> restore.forEach(Runnable::run);
    }

    /** The handle of {@link #freshGradients()}: closing it restores the parameters. */
    public interface FreshGradients extends AutoCloseable {
        @Override
        void close();
    }

    private static void swapInLeaves(Module m, List<Runnable> restore) {
        for (Map.Entry<String, NDArray> e : m.parameters.entrySet()) {
            NDArray parameter = e.getValue();
            if (!parameter.hasGradient()) {
                continue;
            }
            NDArray leaf = parameter.stopGradient();
            leaf.setRequiresGradient(true);
            e.setValue(leaf);
            restore.add(() -> {
                e.setValue(parameter);
                leaf.close();
            });
        }
        m.children.values().forEach(c -> swapInLeaves(c, restore));
    }

    /** Converts floating-point parameters and buffers to {@code type} in place (e.g. float64 for tests). */
    public final void toFloatType(DataType type) {
        Autograd.noGrad(() -> {
            convert(this, type);
            return null;
        });
        notifyWeightsChanged();
    }

    private static void convert(Module m, DataType type) {
        for (Map<String, NDArray> group : java.util.List.of(m.parameters, m.buffers)) {
            for (Map.Entry<String, NDArray> e : group.entrySet()) {
                NDArray old = e.getValue();
                if (old.getDataType().isFloating() && old.getDataType() != type) {
                    NDArray converted = old.toType(type, true);
                    if (group == m.parameters) {
                        converted.setRequiresGradient(true);
                    }
                    e.setValue(converted);
                    old.close();
                }
            }
        }
        m.children.values().forEach(c -> convert(c, type));
    }

    /** Stops (or restarts) gradient recording for every parameter: a frozen teacher gets no gradient at all. */
    public final void setTrainable(boolean trainable) {
        parameters().values().forEach(p -> p.setRequiresGradient(trainable));
        notifyWeightsChanged();
    }

    /**
     * Called on every module of the tree after its parameters or buffers were reloaded, converted or made
     * (un)trainable: a module that keeps arrays derived from its weights drops them here.
     */
    protected void weightsChanged() {}

    private void notifyWeightsChanged() {
        weightsChanged();
        children.values().forEach(Module::notifyWeightsChanged);
    }

    /** Training mode (batch statistics, buffer updates) or eval mode, recursively. */
    public final void setTraining(boolean training) {
        this.training = training;
        children.values().forEach(c -> c.setTraining(training));
    }

    public final boolean isTraining() {
        return training;
    }
}
