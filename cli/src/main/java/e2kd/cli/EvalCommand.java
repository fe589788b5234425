package e2kd.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.BoxedDataset;
import e2kd.data.DataLoader;
import e2kd.data.EvalTransform;
import e2kd.data.SkippedImages;
import e2kd.data.Waterbirds;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.eval.GroupAccuracy;
import e2kd.eval.Predictions;
import e2kd.eval.ShiftConsistency;
import e2kd.experiments.EvalData;
import e2kd.experiments.GroupJson;
import e2kd.experiments.Provenance;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.io.CheckpointArchive;
import e2kd.io.E2kdIoException;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.train.Encodings;
import e2kd.train.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path model;

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
    Path boxes;

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

    @Override
    public Integer call() {
        device.apply();
        threads.apply();
        EvalData d = EvalData.resolve(model, data, split, boxes);
        try (NDManager manager = Devices.newManager()) {
            ModelFiles.Source student = ModelFiles.load(
                    model.toString(), modelId == null ? "" : modelId, Map.of(), size, "--model", manager);
            ModelFiles.Source t = teacher.load(student.input().size(), manager);
            checkClasses(student.model(), d, model);
            if (t != null) {
                Path teacher = Path.of(this.teacher.teacher);
                checkClasses(t.model(), d, teacher);
                if (!t.input().equals(student.input())) {
                    throw new E2kdIoException(
                            teacher,
                            "teacher input contract (" + t.input().size() + " px, "
                                    + t.input().encoding() + ") differs from the student's ("
                                    + student.input().size()
                                    + " px, " + student.input().encoding() + ")");
                }
            }
            SkippedImages skipped = skipBadImages ? new SkippedImages() : null;
            DataLoader.Builder loader = DataLoader.builder(d.dataset(), batch)
                    .augmentation(EvalTransform.standard(student.input().size()))
                    .encoding(Encodings.of(student.input()))
                    .skipUnreadable(skipped)
                    .prefetch(1);
            if (d.dataset() instanceof BoxedDataset boxed) {
                loader.maps(boxed.classMasks());
            }
            Explainer studentExplainer = Explainers.create("auto", student.model());
            Model teacherModel = t == null ? null : t.model();
            Explainer teacherExplainer = t == null ? null : Explainers.create("auto", teacherModel);
            EvalResult r = Evaluator.evaluate(
                    student.model(), studentExplainer, teacherModel, teacherExplainer, loader.build(), manager);
            GroupAccuracy groups = d.dataset() instanceof Waterbirds wb
                    ? GroupAccuracy.of(
                            Predictions.top1(student.model(), loader.build(), manager), wb.labels(), wb.places())
                    : null;
            ObjectNode out = JSON.createObjectNode();
            out.put("model", student.model().spec().id());
            out.put("checkpoint", model.toString());
            out.set("provenance", provenance(model));
            out.put("teacher", teacher.teacher);
            out.put("data", d.description());
            out.put("split", d.split());
            out.put("count", r.count());
            if (skipped != null) {
                out.set(
                        "skipped_image_files",
                        JSON.valueToTree(
                                skipped.files().stream().map(Path::toString).toList()));
            }
            out.put("top1", r.top1());
            out.put("top5", r.top5());
            out.put("agreement", r.agreement());
            out.put("explanation_similarity", r.explanationSimilarity());
            if (r.localization() != null) {
                ObjectNode loc = out.putObject("localization");
                loc.put("epg", r.localization().epg());
                loc.put("teacher_epg", r.localization().teacherEpg());
                loc.put("count", r.localization().count());
                ObjectNode perClass = loc.putObject("per_class");
                for (EvalResult.ClassEpg c : r.localization().perClass()) {
                    perClass.putObject(d.dataset().classNames().get(c.cls()))
                            .put("epg", c.epg())
                            .put("teacher_epg", c.teacherEpg())
                            .put("count", c.count());
                }
            }
            if (groups != null) {
                GroupJson.write(out.putObject("groups"), groups);
            }
            int patch = shiftPatch != null ? shiftPatch : ShiftConsistency.vitPatch(student.model(), teacherModel);
            if (patch > 0) {
                ShiftConsistency.Result sc = ShiftConsistency.of(studentExplainer, loader.build(), patch, manager);
                ShiftConsistency.Result tc =
                        t == null ? null : ShiftConsistency.of(teacherExplainer, loader.build(), patch, manager);
                writeShifts(out.putObject("shift_consistency"), sc, tc);
            }
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return 0;
    }

    /** {patch, count, student, teacher, per_shift: [{dx, dy, student, teacher}]}; teacher null without one. */
    private static void writeShifts(ObjectNode node, ShiftConsistency.Result student, ShiftConsistency.Result teacher) {
        node.put("patch", student.patch());
        node.put("count", student.count());
        node.put("student", student.mean());
        node.put("teacher", teacher == null ? null : teacher.mean());
        com.fasterxml.jackson.databind.node.ArrayNode shifts = node.putArray("per_shift");
        for (int i = 0; i < student.perShift().length; i++) {
            ObjectNode shift = shifts.addObject();
            shift.put("dx", student.dx(i));
            shift.put("dy", student.dy(i));
            shift.put("student", student.perShift()[i]);
            shift.put("teacher", teacher == null ? null : teacher.perShift()[i]);
        }
    }

    /**
     * How the model was trained when its checkpoint records it ({@link Provenance}: config and summary), else null
     * (also for a PyTorch file).
     */
    private static JsonNode provenance(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve("best.ckpt") : model;
        return CheckpointArchive.isCheckpoint(file) ? Provenance.of(file) : null;
    }

    private static void checkClasses(Model m, EvalData d, Path source) {
        int classes = d.dataset().classNames().size();
        if (m.spec().numClasses() != classes) {
            throw new E2kdIoException(
                    source,
                    m.spec().id() + " has " + m.spec().numClasses() + " classes but " + d.description() + " has "
                            + classes);
        }
    }
}
