package e2kd.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.experiments.BaselinesSuite;
import e2kd.experiments.DemoSuite;
import e2kd.experiments.FewShotSuite;
import e2kd.experiments.FrozenSuite;
import e2kd.experiments.LocalizationSuite;
import e2kd.experiments.ReproRuns;
import e2kd.experiments.ShortcutSuite;
import e2kd.experiments.VitSuite;
import e2kd.experiments.Workers;
import e2kd.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code e2kd reproduce}: one of the paper's experiments in miniature on real Fashion-MNIST images, over seeds, as a
 * markdown table {@code DIR/<suite>.md} (mean ± std over seeds, the command, the wall time; teachers cached in
 * {@code DIR/teachers} and timed separately).
 */
@Command(
        name = "reproduce",
        mixinStandardHelpOptions = true,
        description = "Run a suite of the paper's experiments in miniature (fewshot, shortcut, localization, frozen, "
                + "baselines, vit) and write DIR/<suite>.md with mean ± std over seeds; 'demo' chooses the demo's "
                + "settings on validation scenes (scripts/select_demo_settings.sh).")
final class ReproduceCommand implements Callable<Integer> {
    @Option(
            names = "--suite",
            required = true,
            description = "fewshot, shortcut, localization, frozen, baselines, vit or demo (the demo's settings, "
                    + "on the embedded Fashion-MNIST subset and the committed demo teacher whatever --data and --tiny "
                    + "say).")
    String suite;

    @Option(
            names = "--seeds",
            defaultValue = "3",
            description = "Seeds 1..N (default ${DEFAULT-VALUE}; one with --quick).")
    int seeds;

    @Option(names = "--out", required = true, description = "Folder for teachers, runs, scenes and the table.")
    Path out;

    @Option(
            names = "--quick",
            description = "Two epochs and a few images per class: checks the pipeline, not the claims.")
    boolean quick;

    @Option(
            names = "--tiny",
            description = "Narrower teachers (base width 12 instead of 16; students have 8 either way) "
                    + "and, without --data, the embedded Fashion-MNIST subset.")
    boolean tiny;

    @Option(
            names = "--data",
            description = "Fashion-MNIST IDX folder (default /usr/share/datasets/fashion-mnist); for --suite "
                    + "localization also a PASCAL VOC folder (JPEGImages, Annotations, ImageSets/Main/train.txt and "
                    + "val.txt), which runs the multi-label VOC experiment on it.")
    Path data;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "libtorch intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--family",
            split = ",",
            paramLabel = "NAME",
            description = "fewshot only: the model families to run, std (ResNet-18 + GradCAM) and/or bcos "
                    + "(B-cos ResNet-18 + W(x)); default both.")
    List<String> families;

    @Option(
            names = "--size",
            paramLabel = "PX",
            description = "fewshot only: train and test teachers and students on images upsampled to PX × PX "
                    + "(default: Fashion-MNIST's 28; 56 gives 7 × 7 layer-4 GradCAM maps, as the paper's at 224 px). "
                    + "Teachers and runs of another size are kept apart (fmnist-std-56px, ...).")
    Integer size;

    @Mixin
    JsonOption output;

    @Mixin
    SparkOption spark;

    @Override
    public Integer call() throws IOException {
        if (seeds < 1 || threads < 1) {
            throw new IllegalArgumentException("--seeds and --threads must be at least 1");
        }
        if ((families != null || size != null) && !"fewshot".equals(suite)) {
            throw new IllegalArgumentException("--family and --size apply to --suite fewshot only, not " + suite);
        }
        Files.createDirectories(out);
        try (Workers workers = spark.workers("reproduce " + suite, threads)) {
            return reproduce(new ReproRuns(out, quick, tiny, quick ? 1 : seeds, threads, data, workers, System.err));
        }
    }

    private int reproduce(ReproRuns r) throws IOException {
        long started = System.nanoTime();
        String body = switch (suite) {
            case "fewshot" -> FewShotSuite.run(r, families == null ? List.of() : families, size == null ? 0 : size);
            case "shortcut" -> ShortcutSuite.run(r);
            case "localization" -> LocalizationSuite.run(r);
            case "frozen" -> FrozenSuite.run(r);
            case "baselines" -> BaselinesSuite.run(r);
            case "vit" -> VitSuite.run(r);
            case "demo" -> DemoSuite.run(r, demoTeacher());
            default ->
                throw new IllegalArgumentException("--suite " + suite + " is not a suite; expected fewshot, "
                        + "shortcut, localization, frozen, baselines, vit or demo");
        };
        double seconds = (System.nanoTime() - started) / 1e9 - r.teacherSeconds();
        String selected = r.selections().isEmpty()
                ? ""
                : "Selected on the validation split (seed 1):\n\n"
                        + r.selections().stream()
                                .map(line -> "* " + line + "\n")
                                .collect(Collectors.joining()) + "\n";
        String text = String.format(
                Locale.ROOT,
                "# %s%n%n`%s`%n%n%s%n%s%d seed(s)%s; wall time %.0f s for students, "
                        + "selection and evaluation; teachers: %s.%n",
                suite,
                command(r),
                body,
                selected,
                r.seeds,
                quick ? ", --quick (pipeline check only, too short for the claims)" : "",
                seconds,
                String.join(", ", r.teacherTimes()));
        Path file = out.resolve(suite + ".md");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, o -> o.write(bytes));
        output.text().print(text);
        ObjectNode result = JsonOption.object()
                .put("suite", suite)
                .put("command", command(r))
                .put("seeds", r.seeds)
                .put("quick", quick)
                .put("seconds", seconds)
                .put("file", file.toString());
        result.set("table", r.tableJson());
        r.selections().forEach(result.putArray("selected")::add);
        r.teacherTimes().forEach(result.putArray("teachers")::add);
        output.print(result, "table: " + file);
        return 0;
    }

    /**
     * The committed demo teacher, copied to {@code DIR/teachers/demo-HASH.ckpt}: named by its content, so that runs
     * distilled from another teacher are never reused for this one (their config names another file).
     */
    private Path demoTeacher() throws IOException {
        byte[] bytes = DemoCommand.committedTeacherBytes();
        String hash;
        try {
            hash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
        Path target = out.resolve("teachers/demo-" + hash + ".ckpt");
        Files.createDirectories(target.getParent());
        AtomicFiles.write(target, o -> o.write(bytes));
        return target;
    }

    private String command(ReproRuns r) {
        return "e2kd reproduce --suite " + suite + " --seeds " + r.seeds + " --out " + out + (quick ? " --quick" : "")
                + (tiny ? " --tiny" : "") + (data == null ? "" : " --data " + data)
                + (families == null ? "" : " --family " + String.join(",", families))
                + (size == null ? "" : " --size " + size)
                + (threads == 1 ? "" : " --threads " + threads);
    }
}
