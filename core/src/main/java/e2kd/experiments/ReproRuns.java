package e2kd.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.data.FashionMnist;
import e2kd.train.ConfigLoader;
import e2kd.train.Method;
import e2kd.train.RunDirectory;
import e2kd.train.TrainConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every {@code reproduce} suite shares: the output folder, the scale ({@code --quick}: two epochs and a handful
 * of images; {@code --tiny}: narrow models and the embedded Fashion-MNIST subset), the seeds, the source images, the
 * teacher cache ({@code DIR/teachers/NAME}, trained once and timed separately) and student runs
 * ({@code DIR/runs/...}).
 */
public final class ReproRuns {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Path out;
    final boolean quick;
    final boolean tiny;
    public final int seeds;
    final PrintStream log;
    private final int threads;
    private final Path data;
    private FashionMnist fashionMnist;
    private final List<String> teacherTimes = new ArrayList<>();
    private final List<String> selections = new ArrayList<>();
    private ReproTable table;
    private final Workers workers;
    private final Runs runs;
    private double teacherSeconds;

    /**
     * @param data    Fashion-MNIST IDX folder (a PASCAL VOC folder for the localization suite), or null: the Debian
     *                set ({@link FashionMnist#DEFAULT_DIR}), with --tiny the embedded subset
     * @param workers where the runs train
     */
    public ReproRuns(
            Path out,
            boolean quick,
            boolean tiny,
            int seeds,
            int threads,
            Path data,
            Workers workers,
            PrintStream log) {
        this.out = out;
        this.workers = workers;
        this.runs = new Runs(workers, log);
        this.quick = quick;
        this.tiny = tiny;
        this.seeds = seeds;
        this.threads = threads;
        this.data = data;
        this.log = log;
    }

    /** The source images (loaded once). */
    FashionMnist fashionMnist() {
        requireFashionMnist();
        if (fashionMnist == null) {
            fashionMnist = data != null
                    ? FashionMnist.load(data)
                    : tiny ? FashionMnist.embedded() : FashionMnist.load(FashionMnist.DEFAULT_DIR);
        }
        return fashionMnist;
    }

    /** The {@code --data} folder when it is in the PASCAL VOC layout, else null. */
    Path vocData() {
        return data != null && DataLayout.of(data) == DataLayout.VOC ? data : null;
    }

    /** The {@code data_dir} of a {@code data: fashion-mnist} run ("" for the embedded subset). */
    String fashionMnistDir() {
        requireFashionMnist();
        return data != null ? data.toString() : tiny ? "" : FashionMnist.DEFAULT_DIR.toString();
    }

    private void requireFashionMnist() {
        if (vocData() != null) {
            throw new IllegalArgumentException(
                    "--data " + data + " is a PASCAL VOC folder, which only --suite localization reads");
        }
    }

    /** {@code full}, or 2 with --quick. */
    int epochs(int full) {
        return quick ? 2 : full;
    }

    /** {@code full}, or {@code small} with --quick. */
    int count(int full, int small) {
        return quick ? small : full;
    }

    /** Model options of a student: small stem, base width 8. */
    String studentOptions() {
        return "stem=small,base=8";
    }

    /** Model options of a teacher: wider than the student, base width 12 (--tiny) or 16. */
    String teacherOptions() {
        return "stem=small,base=" + (tiny ? 12 : 16);
    }

    /**
     * τ and λ chosen as the paper tuned them, scaled down, on seed 1's validation split: τ ∈ {1, 5} for KD first,
     * then λ ∈ {0.2, 1, 5} for e²KD at that τ (λ ∈ {1, 5} with --quick). {@code configOf} builds the run of a method
     * ({@link Method#KD}, {@link Method#E2KD}, by id) with the given settings appended.
     *
     * @return the winning settings per method
     */
    Map<String, List<String>> selectTauLambda(String name, BiFunction<String, List<String>, TrainConfig> configOf)
            throws IOException {
        String kd = Method.KD.id();
        String e2kd = Method.E2KD.id();
        List<String> tau = select(name + ", " + kd, List.of("tau=1,5"), c -> configOf.apply(kd, c));
        List<String> lambda = select(
                name + ", " + e2kd,
                List.of(tau.get(0), quick ? "lambda=1,5" : "lambda=0.2,1,5"),
                c -> configOf.apply(e2kd, c));
        return Map.of(kd, tau, e2kd, lambda);
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
        Path dir = out.resolve("teachers").resolve(name);
        Runs.Finished cached = Runs.finished(dir, config);
        if (cached != null) {
            teacherTimes.add(String.format(
                    Locale.ROOT,
                    "%s: cached (trained in %.0f s)",
                    name,
                    cached.summary().path("seconds").asDouble()));
            return dir;
        }
        log.printf(
                Locale.ROOT,
                "training teacher %s (%s %s, %s images per class, %d epochs)%n",
                name,
                config.model(),
                config.modelOptions(),
                config.shots(),
                config.epochs());
        long started = System.nanoTime();
        runs.train("teacher", dir, config);
        double seconds = (System.nanoTime() - started) / 1e9;
        teacherSeconds += seconds;
        teacherTimes.add(String.format(Locale.ROOT, "%s: %.0f s", name, seconds));
        return dir;
    }

    /** A new batch of runs trained together. */
    <K> Batch<K> batch() {
        return new Batch<>();
    }

    /**
     * Runs trained together, each as one task of the workers ({@link Runs}), each with what it stands for: a run
     * finished in its folder, or elsewhere in this process with the same config, is reused; a run killed part-way
     * resumes from its last checkpoint, so an interrupted suite picks up where it stopped.
     */
    final class Batch<K> {
        private final List<Runs.Planned> planned = new ArrayList<>();
        private final List<K> keys = new ArrayList<>();

        void add(K key, Path dir, TrainConfig config, String label) {
            planned.add(new Runs.Planned(dir, config, label));
            keys.add(key);
        }

        /** Trains the runs, then hands each with its key to {@code use}, in the order they were added. */
        void train(String name, Use<K> use) throws IOException {
            List<Runs.Finished> done = runs.train(name, planned);
            for (int i = 0; i < done.size(); i++) {
                use.accept(keys.get(i), done.get(i));
            }
        }
    }

    /** What a suite does with a finished run. */
    @FunctionalInterface
    interface Use<K> {
        void accept(K key, Runs.Finished run) throws IOException;
    }

    /**
     * Selects hyper-parameters on the validation split ({@link GridSearch}): trains {@code configOf} for every
     * combination of {@code axes} into {@code DIR/runs/select/NAME/VALUES} and returns the winning settings; the
     * choice is reported in {@link #selections()}.
     */
    List<String> select(String name, List<String> axes, Function<List<String>, TrainConfig> configOf)
            throws IOException {
        List<List<String>> combinations = GridSearch.combinations(axes);
        List<Runs.Planned> planned = new ArrayList<>();
        for (List<String> c : combinations) {
            Path dir = out.resolve("runs/select")
                    .resolve(name.replaceAll("[^A-Za-z0-9.-]+", "-"))
                    .resolve(String.join(",", c));
            planned.add(new Runs.Planned(dir, configOf.apply(c), String.join(" ", c)));
        }
        List<JsonNode> summaries = runs.train("selecting " + name, planned).stream()
                .map(Runs.Finished::summary)
                .toList();
        int best = GridSearch.best(summaries);
        selections.add(String.format(
                Locale.ROOT,
                "%s: %s (validation top-1 %.1f%%; grid %s)",
                name,
                String.join(" ", combinations.get(best)),
                100 * GridSearch.validationTop1(summaries.get(best)),
                String.join(" ", axes)));
        return combinations.get(best);
    }

    /** The suite's results table, new (its JSON is {@link #tableJson()}). */
    ReproTable table(List<ReproTable.Column> columns) {
        table = new ReproTable(columns);
        return table;
    }

    /** The suite's results table as JSON (empty before {@link #table} is called). */
    public JsonNode tableJson() {
        return table == null ? JSON.createObjectNode() : table.json();
    }

    /** One line per {@link #select} call: what won, on which grid. */
    public List<String> selections() {
        return selections;
    }

    /** The workers the runs go to. */
    Workers workers() {
        return workers;
    }

    /** The settings {@code first}, then {@code then} (a later setting of a key wins). */
    static List<String> concat(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }

    /** The best checkpoint of a run folder. */
    static Path best(Path run) {
        return new RunDirectory(run).best();
    }

    /** Seconds spent training teachers in this process. */
    public double teacherSeconds() {
        return teacherSeconds;
    }

    /** Records a teacher the suite did not train (for {@link #teacherTimes()}). */
    void noteTeacher(String line) {
        teacherTimes.add(line);
    }

    /** One entry per teacher used: its name and training time, or "cached". */
    public List<String> teacherTimes() {
        return teacherTimes;
    }
}
