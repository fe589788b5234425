package e2kd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import e2kd.data.FashionMnist;
import e2kd.io.E2kdIoException;
import e2kd.train.ConfigLoader;
import e2kd.train.Progress;
import e2kd.train.RunDirectory;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every {@code reproduce} suite shares: the output folder, the scale ({@code --quick}: two epochs and a handful
 * of images; {@code --tiny}: narrow models and the embedded Fashion-MNIST subset), the seeds, the source images, the
 * teacher cache ({@code DIR/teachers/NAME}, trained once and timed separately) and student runs
 * ({@code DIR/runs/...}).
 */
final class ReproRuns {
    final Path out;
    final boolean quick;
    final boolean tiny;
    final int seeds;
    final PrintStream log;
    private final int threads;
    private final Path data;
    private FashionMnist fashionMnist;
    private final List<String> teacherTimes = new ArrayList<>();
    private double teacherSeconds;

    /** @param data Fashion-MNIST IDX folder, or null: the Debian set ({@link FashionMnist#DEFAULT_DIR}), with --tiny the embedded subset */
    ReproRuns(Path out, boolean quick, boolean tiny, int seeds, int threads, Path data, PrintStream log) {
        this.out = out;
        this.quick = quick;
        this.tiny = tiny;
        this.seeds = seeds;
        this.threads = threads;
        this.data = data;
        this.log = log;
    }

    /** The source images (loaded once). */
    FashionMnist fashionMnist() {
        if (fashionMnist == null) {
            fashionMnist = data != null ? FashionMnist.load(data) : tiny ? FashionMnist.embedded()
                    : FashionMnist.load(FashionMnist.DEFAULT_DIR);
        }
        return fashionMnist;
    }

    /** The {@code data_dir} of a {@code data: fashion-mnist} run ("" for the embedded subset). */
    String fashionMnistDir() {
        return data != null ? data.toString() : tiny ? "" : FashionMnist.DEFAULT_DIR.toString();
    }

    /** {@code full}, or 2 with --quick. */
    int epochs(int full) {
        return quick ? 2 : full;
    }

    /** {@code full}, or {@code small} with --quick. */
    int count(int full, int small) {
        return quick ? small : full;
    }

    /** Model options of a student: small stem, base width 8 (--tiny) or 12. */
    String studentOptions() {
        return "stem=small,base=" + (tiny ? 8 : 12);
    }

    /** Model options of a teacher: wider than the student, base width 12 (--tiny) or 24. */
    String teacherOptions() {
        return "stem=small,base=" + (tiny ? 12 : 24);
    }

    /** Defaults, {@code preset}, then {@code sets}, with this run's threads and no step logging. */
    TrainConfig config(String preset, List<String> sets) {
        List<String> all = new ArrayList<>(sets);
        all.add("threads=" + threads);
        all.add("log_every=0");
        return ConfigLoader.defaults().preset(preset).set(all).resolve();
    }

    /**
     * The teacher run {@code DIR/teachers/NAME}: reused when a finished run with the same config is there, otherwise
     * trained now; the time goes to {@link #teacherTimes()}.
     */
    Path teacher(String name, TrainConfig config) throws IOException {
        RunDirectory dir = new RunDirectory(out.resolve("teachers").resolve(name));
        if (Files.isRegularFile(dir.summary()) && Files.isRegularFile(dir.best())) {
            String cached = Files.readString(dir.config(), StandardCharsets.UTF_8);
            if (!cached.equals(ConfigLoader.toYaml(config))) {
                throw new E2kdIoException(dir.config(), "cached teacher '" + name + "' was trained with another "
                        + "config; remove " + dir.dir() + " or use another --out");
            }
            teacherTimes.add(name + ": cached");
            return dir.dir();
        }
        log.printf(Locale.ROOT, "training teacher %s (%s %s, %d images per class, %d epochs)%n", name, config.model(),
                config.modelOptions(), config.shotsPerClass(), config.epochs());
        long started = System.nanoTime();
        train(dir.dir(), config);
        double seconds = (System.nanoTime() - started) / 1e9;
        teacherSeconds += seconds;
        teacherTimes.add(String.format(Locale.ROOT, "%s: %.0f s", name, seconds));
        return dir.dir();
    }

    /** Trains {@code config} into {@code dir}; returns summary.json's content. */
    JsonNode train(Path dir, TrainConfig config) throws IOException {
        return new Trainer(config, dir, Progress.quiet()).run(false, 0);
    }

    /** The best checkpoint of a run folder. */
    static Path best(Path run) {
        return new RunDirectory(run).best();
    }

    /** Seconds spent training teachers in this process. */
    double teacherSeconds() {
        return teacherSeconds;
    }

    /** One entry per teacher used: its name and training time, or "cached". */
    List<String> teacherTimes() {
        return teacherTimes;
    }
}
