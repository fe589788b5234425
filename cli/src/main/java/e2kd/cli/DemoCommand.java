package e2kd.cli;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.FashionMnist;
import e2kd.experiments.DemoResults;
import e2kd.experiments.DemoScenes;
import e2kd.experiments.Provenance;
import e2kd.experiments.RunReports;
import e2kd.io.AtomicFiles;
import e2kd.io.E2kdIoException;
import e2kd.train.ConfigLoader;
import e2kd.train.Method;
import e2kd.train.Progress;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code e2kd demo}: KD vs e²KD when the students' few training images carry a background shortcut the teacher does
 * not use (the paper's Waterbirds experiment, Sec. 4.2, in miniature). Uses the committed teacher
 * ({@code e2kd/demo/teacher.ckpt}, made by {@code --retrain-teacher}; its config and summary are inside it) and the
 * presets {@code demo-teacher}, {@code demo-student} (its τ, epochs and λ chosen on validation scenes by
 * {@code reproduce --suite demo}) and {@code demo-quick} on top for {@code --quick}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Distill a KD and an e2KD student from a small committed teacher on shortcut scenes made from "
                + "the embedded Fashion-MNIST images, evaluate both in and out of distribution, print the table. "
                + "Exits " + DemoCommand.CLAIM_FAILED + " when e2KD does not beat KD out of distribution and on "
                + "explanation similarity (unless --no-check or --quick).")
public final class DemoCommand implements Callable<Integer> {
    static final String TEACHER_RESOURCE = "/e2kd/demo/teacher.ckpt";
    /** Exit code when the claim does not hold (checked unless --no-check or --quick). */
    static final int CLAIM_FAILED = 3;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--out",
            defaultValue = "runs/demo",
            description = "Folder for scenes, runs and demo.json " + "(default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--quick", description = "A seconds-long run that only shows the steps (too short for the claim).")
    boolean quick;

    @Option(
            names = "--retrain-teacher",
            description = "Train the teacher with 'demo-teacher' on background-"
                    + "independent scenes instead of using the committed one (OUT/teacher/best.ckpt carries the run's config "
                    + "and summary; copy it to "
                    + "demo-data/src/main/resources" + TEACHER_RESOURCE + " to commit it).")
    boolean retrainTeacher;

    @Option(names = "--teacher", description = "Use this teacher checkpoint instead of the committed one.")
    Path teacherCheckpoint;

    @Option(names = "--set", description = "Override a student config key: key=value (repeatable), e.g. lambda=1.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--test-per-class", description = "Test scenes per class (default 100, 3 with --quick).")
    Integer testPerClass;

    @Option(
            names = "--no-check",
            description = "Exit 0 even when the claim (e2KD beats KD out of distribution and "
                    + "on explanation similarity) does not hold; without it such a run exits " + CLAIM_FAILED
                    + ". --quick never checks.")
    boolean noCheck;

    @picocli.CommandLine.Mixin
    JsonOption output;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "libtorch intra-op threads (default "
                    + "${DEFAULT-VALUE}; on a busy 2-core machine 2 threads ran several times slower than 1).")
    int threads;

    @Override
    public Integer call() throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (retrainTeacher && teacherCheckpoint != null) {
            throw new IllegalArgumentException("give at most one of --retrain-teacher and --teacher");
        }
        Engine.getInstance();
        int previousThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        DemoResults results;
        try {
            results = run(System.err);
        } finally {
            JniUtils.setNumThreads(previousThreads);
        }
        if (quick || noCheck || results.holds()) {
            return 0;
        }
        System.err.println("e2kd demo: exit " + CLAIM_FAILED + " because the claim does not hold (--no-check turns "
                + "this off)");
        return CLAIM_FAILED;
    }

    private DemoResults run(PrintStream log) throws IOException {
        long started = System.nanoTime();
        int tests = testPerClass != null ? testPerClass : quick ? 3 : 100;
        Files.createDirectories(out);
        log.println("e2kd demo: KD vs e2KD students of a teacher that ignores the background, distilled on few images "
                + "whose background gives the class away" + (quick ? " (--quick: steps only)" : ""));
        Path teacher = retrainTeacher
                ? trainTeacher(tests, log)
                : teacherCheckpoint != null ? givenTeacher(log) : committedTeacher(log);

        TrainConfig student = studentConfig(Method.E2KD, teacher);
        log.printf(
                Locale.ROOT,
                "[2/5] writing student scenes to %s: %d training images per class, each class always on its own "
                        + "background; %d validation and %d test images per class on random backgrounds%n",
                out.resolve("scenes"),
                student.shots().fixedCount("shots_per_class"),
                student.validation().fixedCount("val_per_class"),
                tests);
        DemoScenes.student(
                out.resolve("scenes"),
                student.shots().fixedCount("shots_per_class"),
                student.validation().fixedCount("val_per_class"),
                tests,
                student.seed());
        List<DemoResults.Run> runs = new ArrayList<>();
        runs.add(distill(Method.KD, "[3/5]", teacher, log));
        runs.add(distill(Method.E2KD, "[4/5]", teacher, log));

        log.printf(
                Locale.ROOT,
                "[5/5] evaluating teacher and students on %d test scenes%n",
                FashionMnist.CLASS_NAMES.size() * tests);
        DemoResults results = DemoResults.evaluate(student, teacher, runs);
        PrintStream stdout = output.text();
        results.print(stdout);
        stdout.println(results.claim(quick));
        Path report = out.resolve("report.html");
        RunReports.write(report, runs.stream().map(DemoResults.Run::dir).toList(), List.of(results.table(quick)));
        stdout.println("comparison report: " + report);
        double seconds = (System.nanoTime() - started) / 1e9;
        ObjectNode json = results.json(quick);
        json.put("seconds", seconds);
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);
        AtomicFiles.write(out.resolve("demo.json"), o -> o.write(bytes));
        stdout.printf(Locale.ROOT, "results: %s (%.0f s)%n", out.resolve("demo.json"), seconds);
        if (output.json) {
            JsonOption.print(json);
        }
        return results;
    }

    private DemoResults.Run distill(Method method, String stage, Path teacher, PrintStream log) throws IOException {
        TrainConfig c = studentConfig(method, teacher);
        Path dir = out.resolve(method.id());
        boolean kd = method == Method.KD;
        log.printf(
                Locale.ROOT,
                "%s distilling the %s student (%s, %s, tau %s%s) for %d epochs into %s%n",
                stage,
                kd ? "KD" : "e2KD",
                c.model(),
                c.modelOptions(),
                c.tau(),
                kd ? "" : ", lambda " + c.lambda(),
                c.epochs(),
                dir);
        new Trainer(c, dir, progress(c, log)).run(false, 0);
        return new DemoResults.Run(kd ? "KD student" : "e2KD student", dir);
    }

    private Path givenTeacher(PrintStream log) {
        if (!Files.isRegularFile(teacherCheckpoint)) {
            throw new E2kdIoException(teacherCheckpoint, "no such teacher checkpoint");
        }
        log.printf(
                Locale.ROOT,
                "[1/5] teacher: %s (%s)%n",
                teacherCheckpoint,
                Provenance.describe(Provenance.of(teacherCheckpoint)));
        return teacherCheckpoint;
    }

    private Path committedTeacher(PrintStream log) throws IOException {
        Path target = out.resolve("teacher.ckpt");
        byte[] bytes = committedTeacherBytes();
        AtomicFiles.write(target, o -> o.write(bytes));
        log.printf(
                Locale.ROOT,
                "[1/5] teacher: the committed one (%s, made by 'e2kd demo --retrain-teacher'; %s), " + "copied to %s%n",
                TEACHER_RESOURCE,
                Provenance.describe(Provenance.of(target)),
                target);
        return target;
    }

    /** The committed demo teacher's checkpoint file, as bytes. */
    static byte[] committedTeacherBytes() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(TEACHER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the committed demo teacher (classpath " + TEACHER_RESOURCE
                        + ") is missing; run 'e2kd demo --retrain-teacher'");
            }
            return in.readAllBytes();
        }
    }

    private Path trainTeacher(int tests, PrintStream log) throws IOException {
        Path scenes = out.resolve("teacher-scenes");
        Path dir = out.resolve("teacher");
        TrainConfig c = config("demo-teacher", List.of("data_dir=" + scenes));
        log.printf(
                Locale.ROOT,
                "[1/5] retraining the teacher: %d + %d images per class on backgrounds independent "
                        + "of the class (%s), %d epochs into %s%n",
                c.shots().fixedCount("shots_per_class"),
                c.validation().fixedCount("val_per_class"),
                scenes,
                c.epochs(),
                dir);
        DemoScenes.teacher(
                scenes,
                c.shots().fixedCount("shots_per_class"),
                c.validation().fixedCount("val_per_class"),
                tests,
                c.seed());
        new Trainer(c, dir, progress(c, log)).run(false, 0);
        Path best = dir.resolve("best.ckpt");
        if (!Files.isRegularFile(best)) {
            throw new E2kdIoException(best, "teacher training wrote no checkpoint");
        }
        Provenance.attach(best, dir);
        return best;
    }

    /** demo-student (+ demo-quick), then --set, then the method, teacher and scenes. */
    private TrainConfig studentConfig(Method method, Path teacher) {
        List<String> all = new ArrayList<>(sets);
        all.addAll(List.of("method=" + method.id(), "teacher=" + teacher, "data_dir=" + out.resolve("scenes")));
        return config("demo-student", all);
    }

    private TrainConfig config(String preset, List<String> overrides) {
        ConfigLoader loader = ConfigLoader.defaults().preset(preset);
        if (quick) {
            loader.preset("demo-quick");
        }
        return loader.set(overrides).resolve();
    }

    private static Progress progress(TrainConfig c, PrintStream log) {
        return new Progress(log, c.logEvery(), System.console() != null);
    }
}
