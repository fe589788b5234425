package e2kd.experiments;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.BoxedDataset;
import e2kd.data.DataLoader;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.LabeledDataset;
import e2kd.data.SkippedImages;
import e2kd.data.Waterbirds;
import e2kd.eval.EvalResult;
import e2kd.eval.Evaluator;
import e2kd.eval.GroupAccuracy;
import e2kd.eval.Predictions;
import e2kd.eval.ShiftConsistency;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.io.CheckpointArchive;
import e2kd.io.E2kdIoException;
import e2kd.nn.Devices;
import e2kd.nn.Model;
import e2kd.train.Encodings;
import e2kd.train.ModelFiles;
import e2kd.train.Trainer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * {@code eval}'s metrics of a model as JSON, through {@link Workers}: this process opens the data and the models and
 * checks they fit, each task evaluates a run of whole batches of the split where it runs ({@link Evaluator#tally},
 * {@link Predictions}, {@link ShiftConsistency#tally}), and this process joins the parts in order, so the metrics are
 * bit for bit those of one pass at the same thread count.
 */
public final class Evaluation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Evaluation() {}

    /**
     * What to evaluate, as {@code eval} takes it.
     *
     * @param model          run directory, checkpoint or PyTorch file (path or URI)
     * @param modelId        model id of a PyTorch file; blank otherwise
     * @param size           input size of a PyTorch file
     * @param teacher        the teacher (path or URI), or null
     * @param teacherModel   model id of a PyTorch teacher file; blank otherwise
     * @param teacherOptions model options of a PyTorch teacher file
     * @param data           {@link EvalData#resolve}'s data (a path or URI, {@code fashion-mnist}), or null
     * @param split          the split, or null for the data's default
     * @param boxes          a box list (path or URI), or null
     * @param batch          batch size
     * @param skipBadImages  leave out image files that cannot be decoded (listed in {@code skipped_image_files})
     *                       instead of stopping at the first
     * @param shiftPatch     shift-consistency patch, or null for the models' ViT patch
     * @param threads        libtorch threads, 0 for libtorch's default
     * @param device         {@link Devices#parse}'s device
     */
    public record Request(
            String model,
            String modelId,
            int size,
            String teacher,
            String teacherModel,
            Map<String, String> teacherOptions,
            String data,
            String split,
            String boxes,
            int batch,
            boolean skipBadImages,
            Integer shiftPatch,
            int threads,
            String device)
            implements Serializable {}

    /** The data and models of a request, opened where it runs. */
    private record Opened(EvalData data, ModelFiles.Source student, ModelFiles.Source teacher, NDManager manager)
            implements AutoCloseable {
        static Opened of(Request r, Workers.Place here) throws IOException {
            Trainer.useThreads(r.threads());
            Devices.use(Devices.parse(r.device()));
            Path model = Path.of(here.local(r.model()));
            EvalData data = EvalData.resolve(
                    model,
                    r.data() == null ? null : here.local(r.data()),
                    r.split(),
                    r.boxes() == null ? null : Path.of(here.local(r.boxes())));
            NDManager manager = Devices.newManager();
            try {
                ModelFiles.Source student =
                        ModelFiles.load(model.toString(), r.modelId(), Map.of(), r.size(), "--model", manager);
                ModelFiles.Source teacher = r.teacher() == null
                        ? null
                        : ModelFiles.load(
                                here.local(r.teacher()),
                                r.teacherModel(),
                                r.teacherOptions(),
                                student.input().size(),
                                "--teacher-model",
                                manager);
                return new Opened(data, student, teacher, manager);
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        }

        Model teacherModel() {
            return teacher == null ? null : teacher.model();
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** A task: samples [from, to) of the split, whole batches but perhaps the last. */
    private record Range(Request request, int from, int to, int patch) implements Serializable {
        @Override
        public String toString() {
            return "samples " + from + "-" + (to - 1);
        }
    }

    /**
     * What a task sends back: the evaluator's sums, the top-1 classes (for group metrics), the shift sums, the image
     * files it skipped as unreadable (null unless {@code skipBadImages}).
     */
    private record Part(
            Evaluator.Tally metrics,
            int[] top1,
            ShiftConsistency.Tally studentShift,
            ShiftConsistency.Tally teacherShift,
            List<String> skipped)
            implements Serializable {}

    /** Evaluates {@code r} with the split cut into one run of whole batches per worker slot. */
    public static ObjectNode run(Request r, Workers workers) throws IOException {
        EvalData data;
        String modelId;
        int patch;
        JsonNode provenance;
        try (Opened o = Opened.of(r, workers.driver())) {
            check(o, r);
            provenance = provenance(Path.of(workers.driver().local(r.model())));
            data = o.data();
            modelId = o.student().model().spec().id();
            patch = r.shiftPatch() != null
                    ? r.shiftPatch()
                    : ShiftConsistency.vitPatch(o.student().model(), o.teacherModel());
        }
        int count = data.dataset().size();
        int batches = (count + r.batch() - 1) / r.batch();
        int perTask = Math.max(1, (batches + workers.slots() - 1) / workers.slots()) * r.batch();
        List<Range> ranges = new ArrayList<>();
        for (int from = 0; from < Math.max(count, 1); from += perTask) {
            ranges.add(new Range(r, from, Math.min(count, from + perTask), patch));
        }
        List<Part> parts = workers.map("eval", ranges, Evaluation::evaluate);
        Part all = parts.get(0);
        for (Part next : parts.subList(1, parts.size())) {
            all = new Part(
                    all.metrics().then(next.metrics()),
                    all.top1() == null
                            ? null
                            : IntStream.concat(IntStream.of(all.top1()), IntStream.of(next.top1()))
                                    .toArray(),
                    all.studentShift() == null ? null : all.studentShift().then(next.studentShift()),
                    all.teacherShift() == null ? null : all.teacherShift().then(next.teacherShift()),
                    all.skipped() == null ? null : concat(all.skipped(), next.skipped()));
        }
        GroupAccuracy groups =
                data.dataset() instanceof Waterbirds wb ? GroupAccuracy.of(all.top1(), wb.labels(), wb.places()) : null;
        return json(r, modelId, provenance, data, all, groups);
    }

    /** A task: the part of the metrics over its range. */
    private static Part evaluate(Range range, Workers.Place here) throws IOException {
        Request r = range.request();
        try (Opened o = Opened.of(r, here)) {
            LabeledDataset all = o.data().dataset();
            int[] indices = IntStream.range(range.from(), range.to()).toArray();
            SkippedImages skipped = r.skipBadImages() ? new SkippedImages() : null;
            DataLoader.Builder loader = DataLoader.builder(all.subset(indices), r.batch())
                    .augmentation(EvalTransform.standard(o.student().input().size()))
                    .encoding(Encodings.of(o.student().input()))
                    .skipUnreadable(skipped)
                    .prefetch(1);
            if (all instanceof BoxedDataset boxed) {
                // masks of the whole split, so every part stacks as many class channels as one pass
                IntFunction<Image> masks = boxed.classMasks();
                loader.maps(i -> masks.apply(range.from() + i));
            }
            Model student = o.student().model();
            Explainer studentExplainer = Explainers.create("auto", student);
            Explainer teacherExplainer = o.teacher() == null ? null : Explainers.create("auto", o.teacherModel());
            Evaluator.Tally metrics = Evaluator.tally(
                    student, studentExplainer, o.teacherModel(), teacherExplainer, loader.build(), o.manager());
            int[] top1 = all instanceof Waterbirds ? Predictions.top1(student, loader.build(), o.manager()) : null;
            ShiftConsistency.Tally studentShift = range.patch() > 0
                    ? ShiftConsistency.tally(studentExplainer, loader.build(), range.patch(), o.manager())
                    : null;
            ShiftConsistency.Tally teacherShift = range.patch() > 0 && teacherExplainer != null
                    ? ShiftConsistency.tally(teacherExplainer, loader.build(), range.patch(), o.manager())
                    : null;
            List<String> files = skipped == null
                    ? null
                    : skipped.files().stream().map(Path::toString).toList();
            return new Part(metrics, top1, studentShift, teacherShift, files);
        }
    }

    /** The models fit the data and each other: as many classes as the data, the same input contract. */
    private static void check(Opened o, Request r) {
        checkClasses(o.student().model(), o.data(), r.model());
        if (o.teacher() != null) {
            checkClasses(o.teacher().model(), o.data(), r.teacher());
            if (!o.teacher().input().equals(o.student().input())) {
                throw new E2kdIoException(
                        Path.of(r.teacher()),
                        "teacher input contract (" + o.teacher().input().size() + " px, "
                                + o.teacher().input().encoding() + ") differs from the student's ("
                                + o.student().input().size() + " px, "
                                + o.student().input().encoding() + ")");
            }
        }
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> both = new ArrayList<>(first);
        both.addAll(then);
        return both;
    }

    /**
     * How the model was trained when its checkpoint records it ({@link Provenance}: config and summary), else null
     * (also for a PyTorch file).
     */
    private static JsonNode provenance(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve("best.ckpt") : model;
        return CheckpointArchive.isCheckpoint(file) ? Provenance.of(file) : null;
    }

    private static void checkClasses(Model m, EvalData d, String source) {
        int classes = d.dataset().classNames().size();
        if (m.spec().numClasses() != classes) {
            throw new E2kdIoException(
                    Path.of(source),
                    m.spec().id() + " has " + m.spec().numClasses() + " classes but " + d.description() + " has "
                            + classes);
        }
    }

    private static ObjectNode json(
            Request r, String modelId, JsonNode provenance, EvalData data, Part all, GroupAccuracy groups) {
        EvalResult metrics = all.metrics().result();
        ObjectNode out = JSON.createObjectNode();
        out.put("model", modelId);
        out.put("checkpoint", r.model());
        out.set("provenance", provenance);
        out.put("teacher", r.teacher());
        out.put("data", data.description());
        out.put("split", data.split());
        out.put("count", metrics.count());
        if (all.skipped() != null) {
            out.set("skipped_image_files", JSON.valueToTree(all.skipped()));
        }
        out.put("top1", metrics.top1());
        out.put("top5", metrics.top5());
        out.put("agreement", metrics.agreement());
        out.put("explanation_similarity", metrics.explanationSimilarity());
        if (metrics.localization() != null) {
            ObjectNode loc = out.putObject("localization");
            loc.put("epg", metrics.localization().epg());
            loc.put("teacher_epg", metrics.localization().teacherEpg());
            loc.put("count", metrics.localization().count());
            ObjectNode perClass = loc.putObject("per_class");
            for (EvalResult.ClassEpg c : metrics.localization().perClass()) {
                perClass.putObject(data.dataset().classNames().get(c.cls()))
                        .put("epg", c.epg())
                        .put("teacher_epg", c.teacherEpg())
                        .put("count", c.count());
            }
        }
        if (groups != null) {
            GroupJson.write(out.putObject("groups"), groups);
        }
        if (all.studentShift() != null) {
            ShiftConsistency.Result student = all.studentShift().result();
            ShiftConsistency.Result teacher =
                    all.teacherShift() == null ? null : all.teacherShift().result();
            ObjectNode node = out.putObject("shift_consistency");
            node.put("patch", student.patch());
            node.put("count", student.count());
            node.put("student", student.mean());
            node.put("teacher", teacher == null ? null : teacher.mean());
            ArrayNode shifts = node.putArray("per_shift");
            for (int i = 0; i < student.perShift().length; i++) {
                ObjectNode shift = shifts.addObject();
                shift.put("dx", student.dx(i));
                shift.put("dy", student.dy(i));
                shift.put("student", student.perShift()[i]);
                shift.put("teacher", teacher == null ? null : teacher.perShift()[i]);
            }
        }
        return out;
    }
}
