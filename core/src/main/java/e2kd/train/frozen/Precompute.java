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
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import e2kd.train.Splits;
import e2kd.train.Teachers;
import e2kd.train.TrainConfig;
import e2kd.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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

    private Precompute() {}

    /**
     * @param teacherPath a run directory (its best.ckpt), a checkpoint file or a PyTorch file (config teacher_model)
     * @param shardSize   samples per shard
     */
    public static Result run(TrainConfig config, String teacherPath, Path out, int shardSize) {
        if (shardSize < 1) {
            throw new IllegalArgumentException("shard size " + shardSize + " must be at least 1");
        }
        Trainer.useThreads(config.threads());
        Devices.use(Devices.parse(config.device()));
        Splits splits = Splits.open(config);
        LabeledDataset train = splits.train();
        Labelling labelling = Labelling.of(train);
        try (NDManager base = Devices.newManager()) {
            Teachers.Loaded teacher =
                    Teachers.load(teacherPath, config, splits.train().classNames(), base);
            Model model = teacher.model();
            Explainer explainer = teacher.explainer(config.explainer());
            int size = config.imageSize();
            long[] explanationShape = "gradcam".equals(explainer.name())
                    ? new long[] {size, size}
                    : new long[] {teacher.input().channels(), size, size};
            int[] mapShape = explanationShape.length == 2
                    ? new int[] {1, size, size}
                    : new int[] {(int) explanationShape[0], size, size};
            ObjectNode plan = JSON.createObjectNode();
            plan.put("format", FrozenTeacherStore.FORMAT);
            plan.put("version", 1);
            plan.put("teacher", teacher.file().toAbsolutePath().toString());
            plan.put("teacher_model", model.spec().id());
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
            List<Integer> samples = new ArrayList<>();
            for (int shard = 0; shard * shardSize < train.size(); shard++) {
                if (!Files.exists(FrozenTeacherStore.logitsFile(out, shard))) {
                    missing.add(shard);
                    for (int i = shard * shardSize; i < Math.min(train.size(), (shard + 1) * shardSize); i++) {
                        samples.add(i);
                    }
                }
            }
            // Every shard but the last is full, so batch k of the missing samples is exactly missing shard k.
            SkippedImages unreadable = config.skipBadImages() ? new SkippedImages() : null;
            DataLoader loader = DataLoader.builder(
                            train.subset(
                                    samples.stream().mapToInt(Integer::intValue).toArray()),
                            shardSize)
                    .augmentation((h, w, rng) -> GeometricTransform.crop(h, w, 0, 0, h, w, size, size, false))
                    .encoding(teacher.encoding())
                    .skipUnreadable(unreadable)
                    .prefetch(1)
                    .build();
            boolean[] done = new boolean[missing.size()];
            try (EpochIterator it = loader.epoch(0, base)) {
                while (it.hasNext()) {
                    try (Batch b = it.next()) {
                        Explained e =
                                Autograd.noGrad(() -> explainer.explain(b.images(), labelling.explained(b.targets())));
                        int k = (int) (b.indices()[0] / shardSize);
                        writeShard(
                                out,
                                missing.get(k),
                                train.size(),
                                shardSize,
                                b.indices(),
                                e,
                                splits.numClasses(),
                                mapShape);
                        done[k] = true;
                    }
                }
            }
            for (int k = 0; k < done.length; k++) {
                if (!done[k]) { // every image of the shard was unreadable
                    writeShard(
                            out,
                            missing.get(k),
                            train.size(),
                            shardSize,
                            new long[0],
                            null,
                            splits.numClasses(),
                            mapShape);
                }
            }
            ObjectNode index = plan.deepCopy();
            index.put("complete", true);
            FrozenTeacherStore.writeIndex(out, index);
            int written = missing.size();
            int skipped = (train.size() + shardSize - 1) / shardSize - written;
            return new Result(written, skipped, train.size(), unreadable == null ? 0 : unreadable.count());
        }
    }

    /**
     * Writes shard {@code shard}: the rows of the samples at {@code positions} (positions among the missing samples,
     * so the row is {@code position % shardSize}) from {@code e}, zeros for the rows of samples skipped as unreadable.
     */
    private static void writeShard(
            Path out,
            int shard,
            int samples,
            int shardSize,
            long[] positions,
            Explained e,
            int classes,
            int[] mapShape) {
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
        FrozenTeacherStore.writeShard(out, shard, rows, logits, classes, maps, mapShape);
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
