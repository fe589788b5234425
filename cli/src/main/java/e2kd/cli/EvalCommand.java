package e2kd.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.experiments.Evaluation;
import e2kd.experiments.Workers;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code e2kd eval}: metrics of a model as JSON on stdout (with or without {@code --json}). Always: top1, top5 (a
 * prediction among the image's classes counts, on multi-label data any of them), agreement and
 * explanation_similarity (null without a teacher), and {@code provenance}: the training config and summary the
 * checkpoint carries (null when it carries none). Optional sections, present only when the data supports them:
 * {@code localization} (energy pointing game for every class of each image, overall and {@code per_class}; data with
 * boxes) and {@code groups} (per-group, worst-group, in- and out-of-distribution
 * top-1; data with a place label per image, Waterbirds layout) and {@code shift_consistency} (explanation
 * shift-consistency of student and teacher, per shift and mean; by default when the model or teacher is a ViT).
 * With {@code --spark} the split is cut into runs of whole batches, one task each ({@link Evaluation}).
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a run or checkpoint: top-1/top-5, agreement and explanation similarity with a teacher,"
                + " EPG per class when the data has boxes (PASCAL VOC: every class of each image), group accuracy on"
                + " Waterbirds-layout data. JSON on stdout (--json or not).")
final class EvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(
            index = "0",
            paramLabel = "RUN_DIR|CHECKPOINT|FILE.pth",
            description = "Run directory (its best.ckpt), e2kd checkpoint, or PyTorch state dict with --model ID.")
    String model;

    @Option(
            names = "--model",
            paramLabel = "ID",
            description = "Model id when RUN_DIR|CHECKPOINT is a PyTorch file "
                    + "(resnet18/34/50, densenet121/169 and their bcos_ variants; options read off the weights).")
    String modelId;

    @Option(
            names = "--size",
            defaultValue = "224",
            description = "Input size of a PyTorch file given as the model " + "(default ${DEFAULT-VALUE}).")
    int size;

    @Mixin
    TeacherOptions teacher;

    @picocli.CommandLine.Mixin
    ThreadsOption threads;

    @Option(
            names = "--data",
            description = "fashion-mnist, a VOC folder, a Waterbirds-layout folder (metadata.csv), a "
                    + "Fashion-MNIST IDX folder or an image folder (default: the run's own data).")
    String data;

    @Option(names = "--split", description = "Split (default: test for runs and Fashion-MNIST, val for folders).")
    String split;

    @Option(
            names = "--boxes",
            description =
                    "Boxes for an image folder or Waterbirds: a CSV box list (img_filename,x0,y0,x1,y1 per line) or CUB-200-2011's bounding_boxes.txt (with images.txt beside it).")
    String boxes;

    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--skip-bad-images",
            description = "Leave out image files that cannot be decoded (listed in skipped_image_files; count is "
                    + "the images evaluated) instead of stopping at the first.")
    boolean skipBadImages;

    @Option(
            names = "--shift-patch",
            paramLabel = "P",
            description =
                    "Patch size for explanation shift-consistency "
                            + "(default: the patch of the model or, failing that, the teacher when it is a ViT; 0: not computed).")
    Integer shiftPatch;

    @picocli.CommandLine.Mixin
    DeviceOption device;

    /** Accepted like every command's; eval prints JSON either way. */
    @picocli.CommandLine.Mixin
    JsonOption output;

    @Mixin
    SparkOption spark;

    @Override
    public Integer call() throws IOException {
        threads.apply();
        Evaluation.Request request = new Evaluation.Request(
                model,
                modelId == null ? "" : modelId,
                size,
                teacher.teacher,
                teacher.teacherModel == null ? "" : teacher.teacherModel,
                teacher.teacherOptions == null ? Map.of() : new LinkedHashMap<>(teacher.teacherOptions),
                data,
                split,
                boxes,
                batch,
                skipBadImages,
                shiftPatch,
                threads.threads == null ? 0 : threads.threads,
                device.device);
        ObjectNode out;
        try (Workers workers = spark.workers("eval", threads.threads)) {
            out = Evaluation.run(request, workers);
        }
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        return 0;
    }
}
