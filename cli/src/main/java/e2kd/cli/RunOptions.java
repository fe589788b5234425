package e2kd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import e2kd.experiments.RunReports;
import e2kd.train.ConfigLoader;
import e2kd.train.Progress;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by {@code train} and {@code distill}: config sources, run folder, resume. */
final class RunOptions {
    @Mixin
    ConfigOptions config;

    @Option(names = "--out", description = "Run directory to create.")
    Path out;

    @Option(
            names = "--resume",
            description = "Continue the run in RUN_DIR from its last.ckpt (config.yaml, then --set).")
    Path resume;

    @Option(
            names = "--dry-run",
            description = "Print the resolved config (what config.yaml would hold) and stop; "
                    + "needs neither --out nor data.")
    boolean dryRun;

    @Mixin
    JsonOption output;

    @Option(names = "--stop-after", hidden = true, defaultValue = "0", description = "Stop after this epoch (testing).")
    int stopAfter;

    /** Resolves the config (with command-specific overrides last) and runs it; prints the summary path. */
    int execute(List<String> commandSets, boolean distill) throws IOException {
        if (out != null && resume != null || !dryRun && out == null && resume == null) {
            throw new IllegalArgumentException("give exactly one of --out RUN_DIR or --resume RUN_DIR");
        }
        TrainConfig resolved = config.resolve(resume == null ? null : resume.resolve("config.yaml"), commandSets);
        if (distill && !resolved.distills()) {
            throw new IllegalArgumentException("distill needs --method kd, e2kd, kd-frozen or e2kd-frozen");
        }
        if (dryRun) {
            System.out.print(ConfigLoader.toYaml(resolved));
            return 0;
        }
        Path dir = resume != null ? resume : out;
        Progress progress = new Progress(System.err, resolved.logEvery(), System.console() != null);
        JsonNode summary = new Trainer(resolved, dir, progress).run(resume != null, stopAfter);
        if (summary == null) {
            System.out.println("stopped after epoch " + stopAfter + "; resume with --resume " + dir);
        } else if (output.json) {
            writeReport(dir);
            JsonOption.print(summary);
        } else {
            writeReport(dir);
            System.out.println("top1 " + summary.path("top1").asText() + "  agreement "
                    + summary.path("agreement").asText() + "  explanation_similarity "
                    + summary.path("explanation_similarity").asText()
                    + (summary.path("skipped_images").asInt() > 0
                            ? "  skipped_images " + summary.path("skipped_images")
                            : "")
                    + "  (" + dir.resolve("summary.json") + ")");
        }
        return 0;
    }

    /** The run's report.html; a failure here is reported but does not fail the finished run. */
    private static void writeReport(Path dir) {
        try {
            RunReports.write(dir.resolve("report.html"), List.of(dir));
        } catch (RuntimeException e) {
            System.err.println("e2kd: report.html not written: " + e.getMessage());
        }
    }
}
