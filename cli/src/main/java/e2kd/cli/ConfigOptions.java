package e2kd.cli;

import e2kd.experiments.DataLayout;
import e2kd.train.ConfigLoader;
import e2kd.train.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a command's config comes from: preset, YAML file, {@code --set} overrides, and the data options. */
final class ConfigOptions {
    @Option(
            names = "--preset",
            description = "Start from a bundled preset (fmnist-teacher, fmnist-e2kd, "
                    + "imagenet-50shot-bcos, imagenet-200shot-std, demo-teacher, demo-student, demo-quick).")
    String preset;

    @Option(names = "--config", description = "YAML config file (applied after the preset).")
    Path config;

    @Option(names = "--set", description = "Override a config key: key=value (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--data",
            description = "fashion-mnist (the embedded subset) or a data folder, its layout told by its files as eval "
                    + "does: PASCAL VOC (JPEGImages + Annotations, multi-label), Waterbirds (metadata.csv), "
                    + "Fashion-MNIST IDX files, else an image folder (SPLIT/CLASS/…).")
    String data;

    @Option(
            names = "--skip-bad-images",
            description = "Leave out image files that fail to decode, each found when its batch is first built "
                    + "(dropped from that batch; counted in summary.json), instead of stopping at the first.")
    boolean skipBadImages;

    @Option(
            names = "--threads",
            description = "libtorch intra-op threads (default: libtorch's, i.e. OMP_NUM_THREADS, which ./e2kd "
                    + "sets to the CPUs free at start).")
    Integer threads;

    @Option(names = "--device", description = DeviceOption.DESCRIPTION)
    String device;

    @Option(
            names = "--devices",
            description = "Data-parallel replicas: a count N (N CPU replicas, or GPUs 0 to N-1) or a "
                    + "list of GPU numbers such as 0,1 (default 1).")
    String devices;

    @Option(
            names = "--batch",
            paramLabel = "N",
            description = "Batch size (default: the config's, 32 unless a preset " + "says otherwise).")
    Integer batch;

    /**
     * What {@code --data} sets: {@code data=fashion-mnist} for the embedded set, else {@code data_dir} and the {@code data:}
     * value of the folder's layout ({@link DataLayout}, as {@code eval --data} tells it; a later {@code --set data=}
     * still wins).
     */
    static List<String> dataSets(String data) {
        if ("fashion-mnist".equals(data)) {
            return List.of("data=fashion-mnist", "data_dir=");
        }
        return List.of("data=" + DataLayout.of(Path.of(data)).configValue, "data_dir=" + data);
    }

    /** Defaults, then {@code base} (a run's config.yaml, or null), preset, file, --data, --set, the other options, then {@code commandSets}. */
    TrainConfig resolve(Path base, List<String> commandSets) {
        ConfigLoader loader = ConfigLoader.defaults();
        if (base != null) {
            loader.file(base);
        }
        if (preset != null) {
            loader.preset(preset);
        }
        if (config != null) {
            loader.file(config);
        }
        List<String> all = new ArrayList<>();
        if (data != null) {
            all.addAll(dataSets(data));
        }
        all.addAll(sets);
        if (skipBadImages) {
            all.add("skip_bad_images=true");
        }
        if (threads != null) {
            all.add("threads=" + threads);
        }
        if (device != null) {
            all.add("device=" + device);
        }
        if (devices != null) {
            all.add("devices=" + devices);
        }
        if (batch != null) {
            all.add("batch=" + batch);
        }
        all.addAll(commandSets);
        return loader.set(all).resolve();
    }
}
