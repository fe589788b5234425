package e2kd.report;

import java.util.List;
import java.util.Locale;

/** A small line chart as inline SVG: one polyline per series over a shared x axis, axis ticks and a legend. */
public final class SvgChart {
    /** Colours of the series, in order (Okabe–Ito, readable for colour-blind readers). */
    static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};

    private static final int WIDTH = 360;
    private static final int PLOT_BOTTOM = 184;
    private static final int LEGEND_ROW = 14;
    private static final int LEFT = 52;
    private static final int RIGHT = 12;
    private static final int TOP = 28;

    /** One line: y[i] at x[i]; null y values are gaps. */
    public record Series(String name, double[] x, Double[] y) {}

    private SvgChart() {}

    /** Whether any series has a value to draw. */
    public static boolean hasData(List<Series> series) {
        return series.stream()
                .anyMatch(s -> java.util.Arrays.stream(s.y()).anyMatch(v -> v != null && Double.isFinite(v)));
    }

    /** The chart as an {@code <svg>} element; x values are integers (epochs), the legend sits under the plot. */
    public static String render(String title, String xLabel, List<Series> series) {
        int height = PLOT_BOTTOM + 34 + LEGEND_ROW * series.size();
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (s.y()[i] != null && Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (xMax == xMin) {
            xMin -= 0.5;
            xMax += 0.5;
        }
        if (yMax == yMin) {
            double pad = Math.max(Math.abs(yMax) * 0.05, 0.01);
            yMin -= pad;
            yMax += pad;
        }
        Scale sx = new Scale(xMin, xMax, LEFT, WIDTH - RIGHT);
        Scale sy = new Scale(yMin, yMax, PLOT_BOTTOM, TOP);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                WIDTH,
                height,
                WIDTH,
                height,
                Html.escape(title)));
        svg.append(String.format(
                Locale.ROOT, "<text x=\"%d\" y=\"16\" class=\"title\">%s</text>", LEFT, Html.escape(title)));
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>",
                LEFT,
                TOP,
                WIDTH - LEFT - RIGHT,
                PLOT_BOTTOM - TOP));
        for (int i = 0; i <= 4; i++) {
            double v = yMin + (yMax - yMin) * i / 4;
            double py = sy.at(v);
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>",
                    LEFT,
                    WIDTH - RIGHT,
                    py,
                    py,
                    LEFT - 4,
                    py + 4,
                    tick(v, yMax - yMin)));
        }
        double step = Math.max(1, Math.ceil((xMax - xMin) / 6));
        for (double v = Math.ceil(xMin); v <= xMax; v += step) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%.0f" + "</text>",
                    sx.at(v),
                    PLOT_BOTTOM + 14,
                    v));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                (LEFT + WIDTH - RIGHT) / 2,
                PLOT_BOTTOM + 28,
                Html.escape(xLabel)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String colour = COLOURS[k % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                Double y = s.y()[i];
                if (y == null || !Double.isFinite(y)) {
                    continue;
                }
                String p = String.format(Locale.ROOT, "%.1f,%.1f", sx.at(s.x()[i]), sy.at(y));
                points.append(p).append(' ');
                svg.append(String.format(
                        Locale.ROOT,
                        "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>",
                        p.split(",")[0],
                        p.split(",")[1],
                        colour));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" " + "stroke-width=\"1.8\"/>",
                    points.toString().trim(),
                    colour));
            int legendY = PLOT_BOTTOM + 34 + LEGEND_ROW * k;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
                            + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>",
                    LEFT,
                    LEFT + 16,
                    legendY - 4,
                    legendY - 4,
                    colour,
                    LEFT + 22,
                    legendY,
                    Html.escape(s.name())));
        }
        return svg.append("</svg>").toString();
    }

    private static String tick(double v, double range) {
        if (range >= 10) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, range >= 1 ? "%.1f" : range >= 0.1 ? "%.2f" : "%.3f", v);
    }

    /** Linear map from data [lo, hi] to pixels [from, to]. */
    private record Scale(double lo, double hi, double from, double to) {
        double at(double v) {
            return from + (v - lo) / (hi - lo) * (to - from);
        }
    }
}
