package e2kd.io;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Named tensors in insertion order, as in a PyTorch {@code state_dict()}. */
public final class StateDict implements Iterable<Map.Entry<String, TensorData>> {
    private final LinkedHashMap<String, TensorData> entries = new LinkedHashMap<>();

    public StateDict() {}

    /** A state dict with the entries of {@code map}, in its iteration order. */
    public StateDict(Map<String, TensorData> map) {
        map.forEach(this::put);
    }

    /** Adds or replaces {@code key}; returns this. */
    public StateDict put(String key, TensorData tensor) {
        entries.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(tensor, "tensor"));
        return this;
    }

    /** The tensor under {@code key}; throws {@link NoSuchElementException} naming the key if there is none. */
    public TensorData get(String key) {
        TensorData t = entries.get(key);
        if (t == null) {
            throw new NoSuchElementException("no tensor '" + key + "' in state dict of " + entries.size() + " keys");
        }
        return t;
    }

    public Optional<TensorData> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** The keys in order (unmodifiable view). */
    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The entries in order (unmodifiable view). */
    public Map<String, TensorData> asMap() {
        return Collections.unmodifiableMap(entries);
    }

    public int size() {
        return entries.size();
    }

    /**
     * A new state dict in which {@code prefix} is removed from every key that starts with it (e.g. {@code "module."}
     * added by {@code DataParallel}); other keys are kept. Throws {@link IllegalArgumentException} if two keys collide.
     */
    public StateDict stripPrefix(String prefix) {
        StateDict out = new StateDict();
        for (Map.Entry<String, TensorData> e : entries.entrySet()) {
            String key = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
            if (out.contains(key)) {
                throw new IllegalArgumentException("stripping '" + prefix + "' makes key '" + key + "' ambiguous");
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    @Override
    public Iterator<Map.Entry<String, TensorData>> iterator() {
        return asMap().entrySet().iterator();
    }

    /** Equal when keys (in the same order) and tensors are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StateDict s
                && entries.equals(s.entries)
                && entries.keySet().stream()
                        .toList()
                        .equals(s.entries.keySet().stream().toList());
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "StateDict" + entries;
    }
}
