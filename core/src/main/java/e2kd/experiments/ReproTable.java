package e2kd.experiments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A results table of a {@code reproduce} suite: per row and column the values of all seeds, rendered as markdown
 * cells {@code mean ± std} (sample standard deviation over seeds; ± 0.0 for one seed). Accuracies are shown in
 * percent with one decimal, other columns (similarities, EPG) with three decimals.
 */
final class ReproTable {
    /** A column: its heading and whether its values are fractions shown as percentages. */
    record Column(String heading, boolean percent) {}

    private final List<Column> columns;
    private final Map<String, Map<String, List<Double>>> cells = new LinkedHashMap<>();

    ReproTable(List<Column> columns) {
        this.columns = columns;
    }

    /** Records one seed's {@code value} for {@code row}, {@code column} (rows appear in order of first use). */
    void add(String row, String column, double value) {
        if (columns.stream().noneMatch(c -> c.heading().equals(column))) {
            throw new IllegalArgumentException("no column '" + column + "'");
        }
        cells.computeIfAbsent(row, r -> new LinkedHashMap<>())
                .computeIfAbsent(column, c -> new ArrayList<>())
                .add(value);
    }

    /** The markdown table; a cell without values shows "-". */
    String markdown() {
        StringBuilder out = new StringBuilder("|");
        StringBuilder rule = new StringBuilder("|");
        out.append(" |");
        rule.append("---|");
        for (Column c : columns) {
            out.append(' ').append(c.heading()).append(" |");
            rule.append("---|");
        }
        out.append('\n').append(rule).append('\n');
        cells.forEach((row, values) -> {
            out.append("| ").append(row).append(" |");
            for (Column c : columns) {
                List<Double> v = values.get(c.heading());
                out.append(' ').append(v == null ? "-" : cell(v, c.percent())).append(" |");
            }
            out.append('\n');
        });
        return out.toString();
    }

    /**
     * The table as JSON: {@code columns} (headings) and {@code rows}, per row and column {@code mean}, {@code std} and
     * {@code seeds} as fractions (not percent); a cell without values is absent.
     */
    ObjectNode json() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode headings = out.putArray("columns");
        columns.forEach(c -> headings.add(c.heading()));
        ObjectNode rows = out.putObject("rows");
        cells.forEach((row, values) -> {
            ObjectNode r = rows.putObject(row);
            values.forEach((column, v) ->
                    r.putObject(column).put("mean", mean(v)).put("std", std(v)).put("seeds", v.size()));
        });
        return out;
    }

    private static String cell(List<Double> values, boolean percent) {
        double scale = percent ? 100 : 1;
        return String.format(
                Locale.ROOT, percent ? "%.1f ± %.1f" : "%.3f ± %.3f", scale * mean(values), scale * std(values));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** The sample standard deviation over seeds, 0 for one seed. */
    private static double std(List<Double> values) {
        double mean = mean(values);
        double squares =
                values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return values.size() > 1 ? Math.sqrt(squares / (values.size() - 1)) : 0;
    }
}
