package e2kd.experiments;

import ai.djl.ndarray.NDManager;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.LabeledDataset;
import e2kd.nn.Devices;
import e2kd.nn.weights.ModelCheckpoint;
import e2kd.report.ExplanationGrid;
import e2kd.report.HtmlReport;
import e2kd.report.RunRecord;
import e2kd.train.ConfigLoader;
import e2kd.train.Encodings;
import e2kd.train.Splits;
import e2kd.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gathers what {@link HtmlReport} shows for run directories: their records, and an explanation grid of the first
 * run's first test images for the first run's teacher (when its checkpoint is still there) and every run's
 * best.ckpt of the same input size and class count.
 */
public final class RunReports {
    /** Test images in the grid. */
    static final int GRID_IMAGES = 8;

    private RunReports() {}

    public static void write(Path out, List<Path> runDirs) {
        write(out, runDirs, List.of());
    }

    /** As {@link #write(Path, List)}, with {@code tables} above the run metrics. */
    public static void write(Path out, List<Path> runDirs, List<HtmlReport.Table> tables) {
        List<RunRecord> records = runDirs.stream().map(RunRecord::read).toList();
        try (NDManager manager = Devices.newManager()) {
            HtmlReport.write(out, records, grid(records, manager), tables);
        }
    }

    private static ExplanationGrid grid(List<RunRecord> records, NDManager manager) {
        List<ExplanationGrid.Column> students = new ArrayList<>();
        ModelCheckpoint.Loaded first = null;
        for (RunRecord r : records) {
            Path best = r.dir().resolve("best.ckpt");
            if (Files.isRegularFile(best)) {
                ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(best, manager);
                first = first == null ? loaded : first;
                if (fits(loaded, first)) {
                    students.add(new ExplanationGrid.Column(r.name(), loaded.model(), Encodings.of(loaded.input())));
                }
            }
        }
        if (first == null) {
            return null;
        }
        TrainConfig config = ConfigLoader.defaults()
                .file(records.get(0).dir().resolve("config.yaml"))
                .resolve();
        ExplanationGrid.Column teacher = null;
        Path teacherPath = config.teacher().isBlank() ? null : Path.of(config.teacher());
        if (teacherPath != null
                && (Files.isRegularFile(teacherPath) || Files.isRegularFile(teacherPath.resolve("best.ckpt")))) {
            ModelCheckpoint.Loaded t = ModelCheckpoint.loadFrom(teacherPath, manager);
            if (fits(t, first)) {
                teacher = new ExplanationGrid.Column("teacher", t.model(), Encodings.of(t.input()));
            }
        }
        LabeledDataset test = Splits.open(config).test();
        int n = Math.min(GRID_IMAGES, test.size());
        EvalTransform transform = EvalTransform.standard(first.input().size());
        List<Image> images = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Image raw = test.image(i);
            images.add(transform
                    .sample(raw.height(), raw.width(), new SplittableRandom(0))
                    .apply(raw));
            labels[i] = test.label(i);
        }
        return ExplanationGrid.build(images, labels, test.classNames(), teacher, students, manager);
    }

    /** Whether a model can share the grid: same input size and classes (each column keeps its own encoding). */
    private static boolean fits(ModelCheckpoint.Loaded model, ModelCheckpoint.Loaded first) {
        return model.input().size() == first.input().size()
                && model.model().spec().numClasses() == first.model().spec().numClasses();
    }
}
