package e2kd.experiments;

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

    private static String cell(List<Double> values, boolean percent) {
        double scale = percent ? 100 : 1;
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double squares =
                values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double std = values.size() > 1 ? Math.sqrt(squares / (values.size() - 1)) : 0;
        return String.format(Locale.ROOT, percent ? "%.1f ± %.1f" : "%.3f ± %.3f", scale * mean, scale * std);
    }
}
