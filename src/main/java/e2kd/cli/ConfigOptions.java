package e2kd.cli;

import e2kd.train.ConfigLoader;
import e2kd.train.TrainConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where a command's config comes from: preset, YAML file, {@code --set} overrides, and the data options. */
final class ConfigOptions {
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

    @Option(names = "--skip-bad-images", description = "Skip unreadable image files of an image folder (counted in "
            + "summary.json) instead of stopping.")
    boolean skipBadImages;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: libtorch's, i.e. OMP_NUM_THREADS, which ./e2kd "
                    + "sets to the CPUs free at start).")
    Integer threads;

    @Option(names = "--device", description = DeviceOption.DESCRIPTION)
    String device;

    @Option(names = "--devices", description = "Data-parallel replicas: a count N (N CPU replicas, or GPUs 0 to N-1) or a "
            + "list of GPU numbers such as 0,1 (default 1).")
    String devices;

    /** Defaults, then {@code base} (a run's config.yaml, or null), preset, file, --set, data options, then {@code commandSets}. */
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
        List<String> all = new ArrayList<>(sets);
        if (data != null) {
            all.add("data_dir=" + data);
        }
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
        all.addAll(commandSets);
        return loader.set(all).resolve();
    }
}
