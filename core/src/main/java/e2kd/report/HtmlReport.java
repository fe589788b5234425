package e2kd.report;

import com.fasterxml.jackson.databind.JsonNode;
import e2kd.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page for one or more runs side by side: the final metrics table (summary.json), training
 * curves from metrics.jsonl as inline SVG, a grid of test images with their explanations as base64 PNGs, and each
 * run's config. Nothing is loaded from elsewhere.
 */
public final class HtmlReport {
    /** Rows of the metrics table: summary.json key and heading. */
    private static final String[][] SUMMARY = {
        {"method", "method"},
        {"model", "model"},
        {"top1", "test top-1"},
        {"top5", "test top-5"},
        {"agreement", "agreement"},
        {"explanation_similarity", "explanation similarity"},
        {"test_count", "test images"},
        {"best_epoch", "best epoch"},
        {"best_val_top1", "best val top-1"},
        {"epochs", "epochs"},
        {"seconds", "seconds"},
        {"images_per_second", "images / s"}
    };
    /** Curves: metrics.jsonl key and chart title. */
    private static final String TERM = "loss_";

    private static final String[][] VALIDATION_CURVES = {
        {"top1", "validation top-1"},
        {"agreement", "validation agreement"},
        {"explanation_similarity", "validation explanation similarity"}
    };
    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
            .sub{color:#666;font-size:13px}
            table.metrics{border-collapse:collapse;font-size:14px}
            table.metrics td,table.metrics th{border:1px solid #ddd;padding:4px 10px;text-align:right}
            table.metrics th:first-child,table.metrics td:first-child{text-align:left}
            table.metrics th{background:#f4f4f4}
            .charts{display:flex;flex-wrap:wrap;gap:12px}
            svg .title{font-size:13px;font-weight:600;fill:#222}svg .tick{font-size:10px;fill:#555}
            svg .legend{font-size:11px}svg .frame{fill:none;stroke:#bbb}svg .grid{stroke:#eee}
            table.grid{border-collapse:collapse}table.grid td,table.grid th{padding:3px 6px;text-align:center;font-size:13px}
            table.grid img{width:112px;height:112px;image-rendering:pixelated;background:#000;display:block}
            table.grid td.caption{text-align:left;font-size:12px;color:#444;max-width:220px}
            pre{background:#f7f7f7;padding:8px;font-size:12px;overflow:auto}
            """;

    private HtmlReport() {}

    /**
     * A table of text cells shown above the run metrics (e.g. the demo's in / out-of-distribution table).
     *
     * @param header the column headings, the first one over the row names
     * @param note   a line under the table, or empty
     */
    public record Table(String title, List<String> header, List<List<String>> rows, String note) {}

    /** Writes the page for {@code runs} (and the grid, which may be null) to {@code out} atomically. */
    public static void write(Path out, List<RunRecord> runs, ExplanationGrid grid) {
        write(out, runs, grid, List.of());
    }

    /** As {@link #write(Path, List, ExplanationGrid)}, with {@code tables} first. */
    public static void write(Path out, List<RunRecord> runs, ExplanationGrid grid, List<Table> tables) {
        byte[] html = render(runs, grid, tables).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(out, o -> o.write(html));
    }

    /** The page. */
    public static String render(List<RunRecord> runs, ExplanationGrid grid) {
        return render(runs, grid, List.of());
    }

    /** The page, with {@code tables} above the run metrics. */
    public static String render(List<RunRecord> runs, ExplanationGrid grid, List<Table> tables) {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        String names = String.join(" | ", runs.stream().map(RunRecord::name).toList());
        h.append("<title>e2kd report: ")
                .append(Html.escape(names))
                .append("</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n");
        h.append("<h1>e²KD report: ").append(Html.escape(names)).append("</h1>");
        h.append("<div class=\"sub\">")
                .append(Html.escape(String.join(
                        " · ", runs.stream().map(r -> r.dir().toString()).toList())))
                .append("</div>\n");
        tables.forEach(t -> table(h, t));
        metricsTable(h, runs);
        curves(h, runs);
        if (grid != null && !grid.rows().isEmpty()) {
            explanations(h, grid);
        }
        h.append("<h2>Configuration</h2>");
        for (RunRecord r : runs) {
            h.append("<details")
                    .append(runs.size() == 1 ? " open" : "")
                    .append("><summary>")
                    .append(Html.escape(r.name()))
                    .append("</summary><pre>")
                    .append(Html.escape(r.config()))
                    .append("</pre></details>");
        }
        return h.append("\n</body></html>\n").toString();
    }

    private static void table(StringBuilder h, Table t) {
        h.append("<h2>").append(Html.escape(t.title())).append("</h2><table class=\"metrics\"><tr>");
        t.header().forEach(c -> h.append("<th>").append(Html.escape(c)).append("</th>"));
        h.append("</tr>");
        for (List<String> row : t.rows()) {
            h.append("<tr>");
            row.forEach(c -> h.append("<td>").append(Html.escape(c)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table>\n");
        if (!t.note().isEmpty()) {
            h.append("<p class=\"sub\">").append(Html.escape(t.note())).append("</p>\n");
        }
    }

    private static void metricsTable(StringBuilder h, List<RunRecord> runs) {
        h.append("<h2>Final metrics (best checkpoint, test split)</h2><table class=\"metrics\"><tr><th></th>");
        runs.forEach(r -> h.append("<th>").append(Html.escape(r.name())).append("</th>"));
        h.append("</tr>");
        for (String[] row : SUMMARY) {
            h.append("<tr><td>").append(row[1]).append("</td>");
            for (RunRecord r : runs) {
                JsonNode v = r.summary() == null ? null : r.summary().get(row[0]);
                h.append("<td>").append(Html.escape(format(v))).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>\n");
        if (runs.stream().anyMatch(r -> r.summary() == null)) {
            h.append("<p class=\"sub\">— : the run has not finished (no summary.json).</p>");
        }
    }

    /** The training loss, each loss term's curve (every {@code loss_LABEL} key of the runs' metrics), validation. */
    private static List<String[]> curveKeys(List<RunRecord> runs) {
        List<String[]> curves = new ArrayList<>();
        curves.add(new String[] {"loss", "training loss"});
        java.util.Set<String> terms = new java.util.LinkedHashSet<>();
        runs.forEach(r -> r.metrics()
                .forEach(line -> line.fieldNames().forEachRemaining(key -> {
                    if (key.startsWith(TERM)) {
                        terms.add(key);
                    }
                })));
        terms.forEach(key -> curves.add(new String[] {key, key.substring(TERM.length()) + " loss"}));
        curves.addAll(List.of(VALIDATION_CURVES));
        return curves;
    }

    private static void curves(StringBuilder h, List<RunRecord> runs) {
        h.append("<h2>Training curves</h2><div class=\"charts\">");
        for (String[] curve : curveKeys(runs)) {
            List<SvgChart.Series> series = new ArrayList<>();
            for (RunRecord r : runs) {
                double[] x = new double[r.metrics().size()];
                Double[] y = new Double[r.metrics().size()];
                for (int i = 0; i < x.length; i++) {
                    JsonNode line = r.metrics().get(i);
                    x[i] = line.path("epoch").asDouble(i + 1);
                    JsonNode v = line.get(curve[0]);
                    y[i] = v == null || !v.isNumber() ? null : v.asDouble();
                }
                series.add(new SvgChart.Series(r.name(), x, y));
            }
            if (SvgChart.hasData(series)) {
                h.append(SvgChart.render(curve[1], "epoch", series));
            }
        }
        h.append("</div>\n");
    }

    private static void explanations(StringBuilder h, ExplanationGrid grid) {
        h.append("<h2>Explanations (test images)</h2><p class=\"sub\">B-cos: W(x) as colour (B-cos-v2's "
                + "gradient_to_image, on black); standard models: GradCAM over the image. Students explain the "
                + "teacher's top-1 class.</p><table class=\"grid\"><tr>");
        grid.columns().forEach(c -> h.append("<th>").append(Html.escape(c)).append("</th>"));
        h.append("<th></th></tr>");
        Base64.Encoder b64 = Base64.getEncoder();
        for (ExplanationGrid.Row row : grid.rows()) {
            h.append("<tr>");
            for (int i = 0; i < row.pngs().size(); i++) {
                h.append("<td><img alt=\"")
                        .append(Html.escape(grid.columns().get(i)))
                        .append("\" src=\"data:image/png;base64,")
                        .append(b64.encodeToString(row.pngs().get(i)))
                        .append("\"></td>");
            }
            h.append("<td class=\"caption\">")
                    .append(Html.escape(row.caption()))
                    .append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static String format(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "—";
        }
        if (v.isFloatingPointNumber()) {
            double d = v.asDouble();
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.4f", d);
        }
        return v.asText();
    }
}
