package e2kd.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.io.AtomicFiles;
import e2kd.io.E2kdIoException;
import e2kd.train.ConfigLoader;
import e2kd.train.Progress;
import e2kd.train.RunDirectory;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.channels.Channel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Training runs into folders of this machine, through {@link Workers}: a folder that already holds the finished run of
 * the same config is reused, a run killed part-way resumes from its last checkpoint, and a run this process already
 * finished with the same config elsewhere is returned as that one. Each run is one task; a task that runs on another
 * machine trains into a folder there (reused and resumed the same way when the task is retried) and sends the
 * folder's files back.
 */
public final class Runs {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String THREADS = "threads:";
    private final Workers workers;
    private final PrintStream log;
    private final Map<String, Finished> finishedHere = new HashMap<>();

    public Runs(Workers workers, PrintStream log) {
        this.workers = workers;
        this.log = log;
    }

    /** A run to train: its folder on this machine, its config, and a label for the log. */
    public record Planned(Path dir, TrainConfig config, String label) {}

    /** A finished run: its folder and summary.json's content. */
    public record Finished(Path dir, JsonNode summary) {}

    /** What came back from a run's task: summary.json, the folder's files when it ran elsewhere, and what it did. */
    record Result(String summary, Map<String, byte[]> files, String did) implements Serializable {}

    /** What a task needs: the run's folder on this machine and its config. */
    record Task(String dir, TrainConfig config, String label) implements Serializable {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Trains every run (in parallel where the workers allow) unless finished; returns them in order. */
    public List<Finished> train(String name, List<Planned> runs) throws IOException {
        List<Finished> out = new ArrayList<>();
        Map<String, Integer> firstOfConfig = new LinkedHashMap<>();
        List<Task> tasks = new ArrayList<>();
        List<Planned> trained = new ArrayList<>();
        for (Planned run : runs) {
            String key = ConfigLoader.toYaml(run.config());
            Finished done = finishedHere.get(key);
            if (done == null) {
                done = finished(run.dir(), run.config());
            }
            if (done != null) {
                finishedHere.put(key, done);
            } else if (!firstOfConfig.containsKey(key)) {
                firstOfConfig.put(key, tasks.size());
                tasks.add(new Task(run.dir().toString(), run.config(), run.label()));
                trained.add(run);
            }
            out.add(done);
        }
        workers.run(name, tasks, Runs::run, (i, result) -> {
            Planned run = trained.get(i);
            if (result.files() != null) {
                copyBack(run, result.files());
            }
            log.println(name + ": " + run.label() + ": " + result.did());
            finishedHere.put(
                    ConfigLoader.toYaml(run.config()), new Finished(run.dir(), JSON.readTree(result.summary())));
        });
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null) {
                out.set(i, finishedHere.get(ConfigLoader.toYaml(runs.get(i).config())));
            }
        }
        return out;
    }

    /** {@link #train} of one run, labelled by its folder's name. */
    public Finished train(String name, Path dir, TrainConfig config) throws IOException {
        return train(name, List.of(new Planned(dir, config, dir.getFileName().toString())))
                .get(0);
    }

    /**
     * The finished run in {@code dir} when it was trained with {@code config}, else null; a folder holding a run of
     * another config, or of another thread count (which changes the numbers), is an error.
     */
    public static Finished finished(Path dir, TrainConfig config) throws IOException {
        RunDirectory run = new RunDirectory(dir);
        if (!Files.isRegularFile(run.config())) {
            return null;
        }
        String cached = Files.readString(run.config(), StandardCharsets.UTF_8);
        String wanted = ConfigLoader.toYaml(config);
        if (!withoutThreads(cached).equals(withoutThreads(wanted))) {
            throw new E2kdIoException(
                    run.config(),
                    "this run folder holds a run of another config; remove " + dir + " or use another --out");
        }
        if (!threads(cached).equals(threads(wanted))) {
            throw new E2kdIoException(
                    run.config(),
                    "this run folder holds a run trained with " + threads(cached)
                            + " but this one runs with " + threads(wanted)
                            + ", and the thread count changes the numbers;"
                            + " rerun with that --threads, remove " + dir + " or use another --out");
        }
        if (!Files.isRegularFile(run.summary()) || !Files.isRegularFile(run.best())) {
            return null;
        }
        return new Finished(dir, JSON.readTree(run.summary().toFile()));
    }

    /** A task: trains where it runs, into the run's folder or, elsewhere, a folder of that machine. */
    private static Result run(Task task, Workers.Place here) throws IOException {
        Path home = Path.of(task.dir());
        Path dir = here.outputFolder(home);
        boolean elsewhere = !dir.equals(home);
        TrainConfig config = elsewhere ? withLocalInputs(task.config(), here) : task.config();
        Finished done = finished(dir, config);
        String did = "finished before";
        if (done == null) {
            RunDirectory run = new RunDirectory(dir);
            boolean resume = Files.isRegularFile(run.last());
            if (!resume) {
                Files.deleteIfExists(run.metrics());
            }
            did = resume ? "resumed from its last checkpoint" : "trained";
            done = new Finished(dir, new Trainer(config, dir, Progress.quiet()).run(resume, 0));
        }
        return new Result(done.summary().toString(), elsewhere ? files(dir) : null, did);
    }

    /** The config with every input given as a URI replaced by a local copy ({@link TrainConfig#INPUTS}). */
    static TrainConfig withLocalInputs(TrainConfig config, Workers.Place here) throws IOException {
        List<String> sets = new ArrayList<>();
        for (Map.Entry<String, java.util.function.Function<TrainConfig, String>> input :
                TrainConfig.INPUTS.entrySet()) {
            String location = input.getValue().apply(config);
            String local = here.local(location);
            if (!local.equals(location)) {
                sets.add(input.getKey() + "=" + local);
            }
        }
        return sets.isEmpty()
                ? config
                : ConfigLoader.defaults()
                        .yaml(ConfigLoader.toYaml(config), "the run's config")
                        .set(sets)
                        .resolve();
    }

    /** The files of a run folder by relative path (without its lock and temporary files). */
    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.equals(".lock") && !name.endsWith(".tmp")) {
                    files.put(dir.relativize(file).toString(), Files.readAllBytes(file));
                }
            }
        }
        return files;
    }

    /**
     * Writes a run's files into its folder here, under the folder's lock: the config as this machine names its
     * inputs, summary.json last (a folder with summary.json is a finished run).
     */
    private static void copyBack(Planned run, Map<String, byte[]> files) throws IOException {
        RunDirectory target = new RunDirectory(run.dir());
        String summary = target.dir().relativize(target.summary()).toString();
        try (Channel held = target.lock().acquiredBy()) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                if (!file.getKey().equals(summary)) {
                    write(target.dir().resolve(file.getKey()), file.getValue());
                }
            }
            target.start(run.config());
            write(target.summary(), files.get(summary));
        }
    }

    private static void write(Path file, byte[] bytes) {
        AtomicFiles.write(file, o -> o.write(bytes));
    }

    private static String withoutThreads(String yaml) {
        return yaml.lines().filter(l -> !l.startsWith(THREADS)).collect(Collectors.joining("\n"));
    }

    /** The {@code threads:} line of a config.yaml, as {@code threads=N}. */
    private static String threads(String yaml) {
        return yaml.lines()
                .filter(l -> l.startsWith(THREADS))
                .findFirst()
                .map(l -> "threads=" + l.substring(THREADS.length()).trim())
                .orElse("no threads setting");
    }
}
