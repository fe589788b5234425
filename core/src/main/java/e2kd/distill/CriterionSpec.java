package e2kd.distill;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One entry of a config's {@code loss:} list, e.g. {@code {name: kd, weight: 1, tau: 4}}: the registered criterion
 * name, its weight in the objective and its parameters. A factory reads parameters through the typed getters;
 * {@link Criteria#create} then refuses any parameter nobody read, naming it.
 */
public final class CriterionSpec {
    private final String name;
    private final double weight;
    private final Map<String, Object> params;
    private final Set<String> read = new LinkedHashSet<>();

    public CriterionSpec(String name, double weight, Map<String, Object> params) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(
                    "loss term " + name + ": weight=" + weight + " must be a finite number >= 0");
        }
        this.name = name;
        this.weight = weight;
        this.params = new LinkedHashMap<>(params);
    }

    /**
     * An entry of a YAML {@code loss:} list: {@code name}, optional {@code weight} (default: the criterion's
     * literature weight, {@link CriterionFactory#defaultWeight()}), the rest parameters.
     */
    public static CriterionSpec fromMap(Map<String, Object> entry) {
        Map<String, Object> params = new LinkedHashMap<>(entry);
        Object name = params.remove("name");
        if (!(name instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException(
                    "config loss entry " + entry + " has no name; expected e.g. {name: kd, tau: 4}");
        }
        Object weight = params.remove("weight");
        return new CriterionSpec(
                text, weight == null ? Criteria.defaultWeight(text) : number(text, "weight", weight), params);
    }

    /** The entry as a YAML mapping (for a run's config.yaml). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("weight", weight);
        m.putAll(params);
        return m;
    }

    public String name() {
        return name;
    }

    public double weight() {
        return weight;
    }

    /** A number parameter; {@code fallback} when absent (NaN: the parameter is required). */
    public double number(String key, double fallback) {
        read.add(key);
        Object v = params.get(key);
        if (v == null) {
            if (Double.isNaN(fallback)) {
                throw new IllegalArgumentException("loss term " + name + " needs parameter " + key);
            }
            return fallback;
        }
        return number(name, key, v);
    }

    /** A whole-number parameter; {@code fallback} when absent. */
    public int integer(String key, int fallback) {
        double v = number(key, fallback);
        if (v != Math.rint(v)) {
            throw new IllegalArgumentException(
                    "loss term " + name + ": " + key + "=" + params.get(key) + " is not a whole number");
        }
        return (int) v;
    }

    /** A yes/no parameter ({@code true} / {@code false}); {@code fallback} when absent. */
    public boolean flag(String key, boolean fallback) {
        read.add(key);
        Object v = params.get(key);
        if (v == null) {
            return fallback;
        }
        String text = String.valueOf(v).trim();
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("loss term " + name + ": " + key + "=" + v + " is not true or false");
        }
        return Boolean.parseBoolean(text);
    }

    /** A list of names (a YAML list or a comma-separated string); {@code fallback} when absent. */
    public List<String> names(String key, List<String> fallback) {
        read.add(key);
        Object v = params.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v).split("\\s*,\\s*"));
    }

    /** Parameters present but never read by the factory. */
    Set<String> unread() {
        Set<String> unread = new LinkedHashSet<>(params.keySet());
        unread.removeAll(read);
        return unread;
    }

    private static double number(String term, String key, Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("loss term " + term + ": " + key + "=" + v + " is not a number");
        }
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
