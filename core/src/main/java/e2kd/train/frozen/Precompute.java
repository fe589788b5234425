package e2kd.train.frozen;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.data.GeometricTransform;
import e2kd.data.LabeledDataset;
import e2kd.data.SkippedImages;
import e2kd.distill.Labelling;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.io.E2kdIoException;
import e2kd.nn.Devices;
import e2kd.nn.ops.Autograd;
import e2kd.train.Splits;
import e2kd.train.Teachers;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code e2kd precompute}: the teacher's logits and its explanation for its top-1 class (on multi-label data the
 * labelled class it scores highest, {@link Labelling#explained}), computed once (no graph) for every training sample of
 * a config, into a {@link FrozenTeacherStore}. Each image is seen whole, resized to
 * {@code image_size} × {@code image_size}, so that the stored map covers the image and the training loader can give
 * it the image's own crop and flip. Re-running with the same plan skips the shards already written.
 */
public final class Precompute {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a run did: shards written now, shards found complete, samples in all, and the unreadable images among the
     * samples it read ({@code skip_bad_images}; their rows are zeros, which training never reads because its loader
     * skips the same files).
     */
    public record Result(int written, int skipped, int samples, int unreadable) {}

    /**
     * What a precompute into a folder does: the plan its index records and the shards still missing there.
     *
     * @param index   index.json's content (without "complete")
     * @param missing the shards to compute, ascending
     */
    public record Plan(ObjectNode index, List<Integer> missing) {
        public int samples() {
            return index.path("samples").asInt();
        }

        public int shardSize() {
            return index.path("shard_size").asInt();
        }
    }

    /**
     * The teacher's outputs for one shard: logits (n, classes) and maps (n, C', H, W), row-major; the rows of the
     * {@code unreadable} images skipped ({@code skip_bad_images}) are zeros.
     */
    public record Shard(int shard, int n, float[] logits, int classes, float[] maps, int[] mapShape, int unreadable)
            implements Serializable {}

    private Precompute() {}

    /**
     * Computes every missing shard of {@code out} in this process, writing each as it is done.
     *
     * @param teacherPath a run directory (its best.ckpt), a checkpoint file or a PyTorch file (config teacher_model)
     * @param shardSize   samples per shard
     */
    public static Result run(TrainConfig config, String teacherPath, Path out, int shardSize) {
        try (Teacher t = Teacher.open(config, teacherPath)) {
            Plan plan = t.plan(config, t.file(), out, shardSize);
            int unreadable = t.compute(plan.missing(), shardSize, shard -> write(out, shard));
            return finish(out, plan, unreadable);
        }
    }

    /** Writes a computed shard into {@code out}. */
    public static void write(Path out, Shard s) {
        FrozenTeacherStore.writeShard(out, s.shard(), s.n(), s.logits(), s.classes(), s.maps(), s.mapShape());
    }

    /**
     * Marks the store complete once every shard of {@code plan} is written; {@code unreadable} images were skipped
     * among them.
     */
    public static Result finish(Path out, Plan plan, int unreadable) {
        ObjectNode index = plan.index().deepCopy();
        index.put("complete", true);
        FrozenTeacherStore.writeIndex(out, index);
        int written = plan.missing().size();
        int skipped = (plan.samples() + plan.shardSize() - 1) / plan.shardSize() - written;
        return new Result(written, skipped, plan.samples(), unreadable);
    }

    /** The training split and the teacher with its explainer, opened once for a plan and for computing shards. */
    public static final class Teacher implements AutoCloseable {
        private final Splits splits;
        private final Labelling labelling;
        private final boolean skipBadImages;
        private final NDManager base;
        private final Teachers.Loaded teacher;
        private final Explainer explainer;
        private final int size;
        private final int[] mapShape;

        private Teacher(TrainConfig config, String teacherPath) {
            Trainer.useThreads(config.threads());
            Devices.use(Devices.parse(config.device()));
            splits = Splits.open(config);
            labelling = Labelling.of(splits.train());
            skipBadImages = config.skipBadImages();
            base = Devices.newManager();
            teacher = Teachers.load(teacherPath, config, splits.train().classNames(), base);
            explainer = teacher.explainer(config.explainer());
            size = config.imageSize();
            mapShape = "gradcam".equals(explainer.name())
                    ? new int[] {1, size, size}
                    : new int[] {teacher.input().channels(), size, size};
        }

        public static Teacher open(TrainConfig config, String teacherPath) {
            return new Teacher(config, teacherPath);
        }

        /** The teacher's weights file, absolute. */
        public String file() {
            return teacher.file().toAbsolutePath().toString();
        }

        /**
         * The plan of a precompute into {@code out}, for the data {@code config} names and the teacher named
         * {@code teacherName}; writes it there, or checks it is the one already there.
         */
        public Plan plan(TrainConfig config, String teacherName, Path out, int shardSize) {
            if (shardSize < 1) {
                throw new IllegalArgumentException("shard size " + shardSize + " must be at least 1");
            }
            LabeledDataset train = splits.train();
            long[] explanationShape =
                    "gradcam".equals(explainer.name()) ? new long[] {size, size} : new long[] {mapShape[0], size, size};
            ObjectNode plan = JSON.createObjectNode();
            plan.put("format", FrozenTeacherStore.FORMAT);
            plan.put("version", 1);
            plan.put("teacher", teacherName);
            plan.put("teacher_model", teacher.model().spec().id());
            plan.put("explainer", explainer.name());
            plan.put("classes", splits.numClasses());
            plan.put("data", config.data());
            plan.put("data_dir", config.dataDir());
            plan.put("image_size", size);
            plan.set("explanation_shape", JSON.valueToTree(explanationShape));
            plan.set("map_shape", JSON.valueToTree(mapShape));
            plan.put("shard_size", shardSize);
            plan.put("samples", train.size());
            plan.set("source_indices", JSON.valueToTree(splits.trainIndices()));
            checkSamePlan(out, plan);
            List<Integer> missing = new ArrayList<>();
            for (int shard = 0; shard * shardSize < train.size(); shard++) {
                if (!Files.exists(FrozenTeacherStore.logitsFile(out, shard))) {
                    missing.add(shard);
                }
            }
            return new Plan(plan, missing);
        }

        /**
         * Computes {@code shards} (ascending) of {@code shardSize} samples each, handing each to {@code sink} as it is
         * done. A shard is one batch, so its numbers do not depend on which other shards are computed with it.
         *
         * @return the unreadable images skipped ({@code skip_bad_images})
         */
        public int compute(List<Integer> shards, int shardSize, Consumer<Shard> sink) {
            LabeledDataset train = splits.train();
            List<Integer> samples = new ArrayList<>();
            for (int shard : shards) {
                for (int i = shard * shardSize; i < Math.min(train.size(), (shard + 1) * shardSize); i++) {
                    samples.add(i);
                }
            }
            // Every shard but the last is full, so batch k of these samples is exactly shard k of the list.
            SkippedImages skipped = skipBadImages ? new SkippedImages() : null;
            DataLoader loader = DataLoader.builder(
                            train.subset(
                                    samples.stream().mapToInt(Integer::intValue).toArray()),
                            shardSize)
                    .augmentation((h, w, rng) -> GeometricTransform.crop(h, w, 0, 0, h, w, size, size, false))
                    .encoding(teacher.encoding())
                    .skipUnreadable(skipped)
                    .prefetch(1)
                    .build();
            boolean[] done = new boolean[shards.size()];
            int unreadable = 0;
            try (EpochIterator it = loader.epoch(0, base)) {
                while (it.hasNext()) {
                    try (Batch b = it.next()) {
                        Explained e =
                                Autograd.noGrad(() -> explainer.explain(b.images(), labelling.explained(b.targets())));
                        int k = (int) (b.indices()[0] / shardSize);
                        Shard shard = shard(shards.get(k), train.size(), shardSize, b.indices(), e);
                        unreadable += shard.unreadable();
                        sink.accept(shard);
                        done[k] = true;
                    }
                }
            }
            for (int k = 0; k < done.length; k++) {
                if (!done[k]) { // every image of the shard was unreadable
                    Shard shard = shard(shards.get(k), train.size(), shardSize, new long[0], null);
                    unreadable += shard.unreadable();
                    sink.accept(shard);
                }
            }
            return unreadable;
        }

        /**
         * Shard {@code shard}: the rows of the samples at {@code positions} (positions among the computed samples, so
         * the row is {@code position % shardSize}) from {@code e}, zeros for the rows of samples skipped as unreadable.
         */
        private Shard shard(int shard, int samples, int shardSize, long[] positions, Explained e) {
            int classes = splits.numClasses();
            int rows = Math.min(shardSize, samples - shard * shardSize);
            int perMap = mapShape[0] * mapShape[1] * mapShape[2];
            float[] logits = new float[rows * classes];
            float[] maps = new float[rows * perMap];
            if (e != null) {
                float[] l = e.logits().toFloatArray();
                float[] m = e.map().toFloatArray();
                for (int j = 0; j < positions.length; j++) {
                    int row = (int) (positions[j] % shardSize);
                    System.arraycopy(l, j * classes, logits, row * classes, classes);
                    System.arraycopy(m, j * perMap, maps, row * perMap, perMap);
                }
            }
            return new Shard(shard, rows, logits, classes, maps, mapShape, rows - positions.length);
        }

        @Override
        public void close() {
            base.close();
        }
    }

    /** Writes the plan, or checks that an earlier run's index has the same plan (then its shards are reused). */
    private static void checkSamePlan(Path out, ObjectNode plan) {
        JsonNode existing = FrozenTeacherStore.readIndex(out);
        if (existing == null) {
            ObjectNode started = plan.deepCopy();
            started.put("complete", false);
            FrozenTeacherStore.writeIndex(out, started);
            return;
        }
        ObjectNode old = FrozenTeacherStore.plan(existing);
        for (Iterator<Map.Entry<String, JsonNode>> it = plan.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (old.get(e.getKey()) == null
                    || !e.getValue().toString().equals(old.get(e.getKey()).toString())) {
                throw new E2kdIoException(
                        FrozenTeacherStore.indexFile(out),
                        "was written for another " + e.getKey()
                                + " (" + abbreviate(old.get(e.getKey())) + ", now " + abbreviate(e.getValue())
                                + "); choose a new --out");
            }
        }
    }

    private static String abbreviate(JsonNode v) {
        String s = v == null ? "none" : v.isTextual() ? v.asText() : v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
