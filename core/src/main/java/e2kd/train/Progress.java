package e2kd.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a run on stderr: a plain line every {@code every} steps (0: none) and one per epoch; on a terminal
 * also a carriage-return bar updated each step.
 */
public final class Progress {
    private final PrintStream out;
    private final int every;
    private final boolean terminal;

    public Progress(PrintStream out, int every, boolean terminal) {
        this.out = out;
        this.every = every;
        this.terminal = terminal;
    }

    /** Silent progress (tests). */
    public static Progress quiet() {
        return new Progress(new PrintStream(PrintStream.nullOutputStream()), 0, false);
    }

    /** After a step: global step {@code step} (1-based) of {@code total}. */
    public void step(
            int epoch, int epochs, long step, long total, StepResult r, double imagesPerSecond, double etaSeconds) {
        String line = line(epoch, epochs, step, total, r, imagesPerSecond, etaSeconds);
        if (terminal) {
            out.print(bar(step, total, line));
            out.flush();
        }
        if (every > 0 && step % every == 0) {
            out.println(terminal ? "" : line);
        }
    }

    /** After an epoch (and its evaluation, or null when none ran). */
    public void epoch(int epoch, int epochs, double loss, Double valTop1, double imagesPerSecond) {
        if (terminal) {
            out.println();
        }
        out.println(String.format(
                Locale.ROOT,
                "epoch %d/%d done  loss %.4f%s  %.1f img/s",
                epoch,
                epochs,
                loss,
                valTop1 == null ? "" : String.format(Locale.ROOT, "  val top-1 %.4f", valTop1),
                imagesPerSecond));
    }

    /** A line of its own (e.g. skipped input files); ends the terminal bar first. */
    public void note(String text) {
        if (terminal) {
            out.println();
        }
        out.println(text);
    }

    /** The step line: epoch, step/total, loss and each term by label, images/s, ETA as h:mm:ss. */
    static String line(
            int epoch, int epochs, long step, long total, StepResult r, double imagesPerSecond, double etaSeconds) {
        StringBuilder parts = new StringBuilder();
        r.parts().forEach((label, v) -> parts.append(part(" " + label, v)));
        return String.format(
                Locale.ROOT,
                "epoch %d/%d  step %d/%d  loss %.4f%s  %.1f img/s  ETA %s",
                epoch,
                epochs,
                step,
                total,
                r.total(),
                parts,
                imagesPerSecond,
                eta(etaSeconds));
    }

    /** The terminal form: carriage return, a 20-cell bar, the line, then erase to the end of the terminal line. */
    static String bar(long step, long total, String line) {
        int width = 20;
        int filled = (int) Math.min(width, width * step / Math.max(1, total));
        return "\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + line + "\033[K";
    }

    private static String part(String name, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%s %.4f", name, v);
    }

    private static String eta(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
