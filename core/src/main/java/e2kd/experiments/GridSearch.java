package e2kd.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyper-parameter selection as the paper tuned τ and λ: one run per combination of a grid's values, the winner chosen
 * by validation top-1 ({@code best_val_top1} of summary.json), never by a test metric; ties go to the earlier
 * combination.
 */
public final class GridSearch {
    private GridSearch() {}

    /**
     * All combinations of {@code axes} ({@code key=v1,v2,...}, one per key) as lists of {@code key=value} settings,
     * the first axis varying slowest.
     */
    public static List<List<String>> combinations(List<String> axes) {
        List<List<String>> combinations = List.of(List.of());
        for (String axis : axes) {
            int eq = axis.indexOf('=');
            if (eq < 1 || eq == axis.length() - 1) {
                throw new IllegalArgumentException("grid axis '" + axis + "': expected key=v1,v2,...");
            }
            List<List<String>> next = new ArrayList<>();
            for (List<String> c : combinations) {
                for (String value : axis.substring(eq + 1).split(",")) {
                    List<String> longer = new ArrayList<>(c);
                    longer.add(axis.substring(0, eq) + "=" + value.strip());
                    next.add(longer);
                }
            }
            combinations = next;
        }
        return combinations;
    }

    /** The selection metric of a finished run: its best validation top-1. */
    public static double validationTop1(JsonNode summary) {
        JsonNode value = summary.path("best_val_top1");
        if (!value.isNumber()) {
            throw new IllegalArgumentException("run summary has no best_val_top1 (no validation split?)");
        }
        return value.asDouble();
    }

    /** Index of the best of {@code summaries} by {@link #validationTop1}; the first on ties. */
    public static int best(List<JsonNode> summaries) {
        if (summaries.isEmpty()) {
            throw new IllegalArgumentException("no runs to select from");
        }
        int best = 0;
        for (int i = 1; i < summaries.size(); i++) {
            if (validationTop1(summaries.get(i)) > validationTop1(summaries.get(best))) {
                best = i;
            }
        }
        return best;
    }
}
