package e2kd.nn;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of one architecture (e.g. {@code CnnOptions} for ResNets and DenseNets), parsed from and written back
 * to {@code key=value} strings, so checkpoints and configs carry them whatever the architecture.
 */
public interface ArchitectureOptions {
    /** Input channels the model takes. */
    int inChannels();

    /** The smallest input side (px) the model accepts. */
    int minimumInputSize();

    /** The options as {@code key=value} strings, every key present. */
    Map<String, String> asMap();

    /** Fails with a one-line message naming the valid keys when {@code raw} has another. */
    static void checkKeys(Map<String, String> raw, Set<String> valid) {
        for (String key : raw.keySet()) {
            if (!valid.contains(key)) {
                throw new IllegalArgumentException("unknown model option '" + key + "'; valid options: "
                        + String.join(", ", new TreeSet<>(valid)));
            }
        }
    }

    /** Option {@code key} as an integer, {@code fallback} when absent; a one-line error naming key and value. */
    static int integer(Map<String, String> raw, String key, int fallback) {
        String v = raw.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model option " + key + "=" + v + " is not an integer");
        }
    }
}
