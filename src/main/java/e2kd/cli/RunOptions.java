package e2kd.cli;

import e2kd.train.ConfigLoader;
import e2kd.train.Progress;
import e2kd.train.Trainer;
import e2kd.train.TrainConfig;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options shared by {@code train} and {@code distill}: config sources, run folder, resume. */
final class RunOptions {
    @Option(names = "--preset", description = "Start from a bundled preset (fmnist-teacher, fmnist-e2kd, "
            + "imagenet-50shot-bcos, imagenet-200shot-std, demo-teacher, demo-student, demo-quick).")
    String preset;

    @Option(names = "--config", description = "YAML config file (applied after the preset).")
    Path config;

    @Option(names = "--set", description = "Override a config key: key=value (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--data", description = "Data folder (Fashion-MNIST IDX files, image-folder root, or a "
            + "Waterbirds-layout folder with metadata.csv for data=waterbirds).")
    String data;

    @Option(names = "--out", description = "Run directory to create.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in RUN_DIR from its last.ckpt (config.yaml, then --set).")
    Path resume;

    @Option(names = "--stop-after", hidden = true, defaultValue = "0", description = "Stop after this epoch (testing).")
    int stopAfter;

    /** Resolves the config (with command-specific overrides last) and runs it; prints the summary path. */
    int execute(List<String> commandSets, boolean distill) throws IOException {
        if ((out == null) == (resume == null)) {
            throw new IllegalArgumentException("give exactly one of --out RUN_DIR or --resume RUN_DIR");
        }
        ConfigLoader loader = ConfigLoader.defaults();
        if (resume != null) {
            loader.file(resume.resolve("config.yaml"));
        }
        if (preset != null) {
            loader.preset(preset);
        }
        if (config != null) {
            loader.file(config);
        }
        List<String> all = new ArrayList<>(sets);
        if (data != null) {
            all.add("data_dir=" + data);
        }
        all.addAll(commandSets);
        TrainConfig resolved = loader.set(all).resolve();
        if (distill && "labels".equals(resolved.method())) {
            throw new IllegalArgumentException("distill needs --method kd or e2kd");
        }
        Path dir = resume != null ? resume : out;
        Progress progress = new Progress(System.err, resolved.logEvery(), System.console() != null);
        JsonNode summary = new Trainer(resolved, dir, progress).run(resume != null, stopAfter);
        if (summary == null) {
            System.out.println("stopped after epoch " + stopAfter + "; resume with --resume " + dir);
        } else {
            writeReport(dir);
            System.out.println("top1 " + summary.path("top1").asText() + "  agreement "
                    + summary.path("agreement").asText() + "  explanation_similarity "
                    + summary.path("explanation_similarity").asText() + "  (" + dir.resolve("summary.json") + ")");
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
