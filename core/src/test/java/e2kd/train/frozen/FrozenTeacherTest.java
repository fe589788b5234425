package e2kd.train.frozen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.Encoding;
import e2kd.data.EpochIterator;
import e2kd.data.FashionMnist;
import e2kd.data.LabeledDataset;
import e2kd.data.TrainAugmentation;
import e2kd.distill.Labelling;
import e2kd.distill.TeacherOutput;
import e2kd.io.E2kdIoException;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frozen e²KD's data path: stored maps come back from the shards and receive exactly their image's crop and flip.
 * The stored "explanation" of every sample is the image itself, so after augmentation map and image must still be
 * equal pixel for pixel; a map that was not cropped/flipped the same way, or read from the wrong row, differs.
 */
class FrozenTeacherTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void storedMapsGetTheImagesOwnCropAndFlip() {
        LabeledDataset source = FashionMnist.embedded().train();
        int[] sources = {5, 17, 40, 41, 99, 300, 301, 512, 777, 1000, 1234};
        writeStoreOfImages(source, sources, 4);
        LabeledDataset train = source.subset(sources);
        // Training order differs from the stored order: rows are found by source index.
        int[] shuffled = {1000, 5, 777, 41, 17, 1234, 300, 40, 99, 512, 301};
        LabeledDataset visit = source.subset(shuffled);
        try (FrozenTeacher frozen = FrozenTeacher.open(dir, shuffled, 10, "bcos", Labelling.SINGLE_LABEL);
                NDManager m = NDManager.newBaseManager()) {
            DataLoader loader = DataLoader.builder(visit, 4)
                    .shuffle(true)
                    .seed(3)
                    .augmentation(new TrainAugmentation(20, 0.3, 0.9, 3.0 / 4.0, 4.0 / 3.0, 0.5))
                    .encoding(Encoding.rgb())
                    .maps(frozen.maps())
                    .prefetch(1)
                    .build();
            DataLoader plain = DataLoader.builder(visit, 4)
                    .shuffle(true)
                    .seed(3)
                    .augmentation(new TrainAugmentation(20, 0.3, 0.9, 3.0 / 4.0, 4.0 / 3.0, 0.0))
                    .encoding(Encoding.rgb())
                    .prefetch(0)
                    .build();
            int flipped = 0;
            for (int epoch = 0; epoch < 2; epoch++) {
                try (EpochIterator it = loader.epoch(epoch, m);
                        EpochIterator unflipped = plain.epoch(epoch, m)) {
                    while (it.hasNext()) {
                        try (Batch b = it.next();
                                Batch u = unflipped.next()) {
                            float[] images = b.images().toFloatArray();
                            assertArrayEquals(images, b.maps().orElseThrow().toFloatArray(), 0f);
                            flipped += flippedSamples(
                                    images,
                                    u.images().toFloatArray(),
                                    b.images().getShape().getShape());
                            TeacherOutput t = frozen.output(b, true);
                            long[] idx = b.indices();
                            float[] logits = t.logits().toFloatArray();
                            for (int k = 0; k < idx.length; k++) {
                                assertEquals(shuffled[(int) idx[k]], logits[k * 10], "logits row of sample " + idx[k]);
                            }
                        }
                    }
                }
            }
            // flip probability 0.5 over 2 epochs of 11 samples: 22 draws
            assertTrue(flipped > 0 && flipped < 22, "flipped " + flipped + " of 22 samples");
        }
        assertEquals(train.size(), visit.size());
    }

    /**
     * How many samples of a (B, C, H, W) batch are the horizontal mirror of the unflipped batch's; every other sample
     * must equal its unflipped one exactly (same crop, no flip).
     */
    private static int flippedSamples(float[] images, float[] unflipped, long[] shape) {
        int b = (int) shape[0];
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int per = c * h * w;
        int flipped = 0;
        for (int k = 0; k < b; k++) {
            boolean same = true;
            boolean mirror = true;
            for (int i = 0; i < per; i++) {
                int x = i % w;
                float v = images[k * per + i];
                same &= v == unflipped[k * per + i];
                mirror &= v == unflipped[k * per + i - x + (w - 1 - x)];
            }
            assertTrue(same || mirror, "sample " + k + " is neither its unflipped crop nor that crop's mirror");
            flipped += same ? 0 : 1;
        }
        return flipped;
    }

    @Test
    void missingSampleAndUnfinishedPrecomputeAreOneLineErrors() {
        LabeledDataset source = FashionMnist.embedded().train();
        writeStoreOfImages(source, new int[] {1, 2, 3}, 2);
        E2kdIoException e = assertThrows(
                E2kdIoException.class,
                () -> FrozenTeacher.open(dir, new int[] {1, 4}, 10, "bcos", Labelling.SINGLE_LABEL));
        assertTrue(
                e.getMessage().contains("index.json") && e.getMessage().contains("training sample 4"), e.getMessage());
        E2kdIoException other = assertThrows(
                E2kdIoException.class,
                () -> FrozenTeacher.open(dir, new int[] {1}, 10, "gradcam", Labelling.SINGLE_LABEL));
        assertTrue(other.getMessage().contains("explainer bcos"), other.getMessage());
        ObjectNode index = (ObjectNode) FrozenTeacherStore.readIndex(dir);
        index.put("complete", false);
        FrozenTeacherStore.writeIndex(dir, index);
        E2kdIoException unfinished = assertThrows(E2kdIoException.class, () -> FrozenTeacherStore.open(dir));
        assertTrue(unfinished.getMessage().contains("did not finish"), unfinished.getMessage());
        assertFalse(unfinished.getMessage().contains("\n"));
    }

    /** A store whose map of each sample is its raw image (3, 28, 28) and whose logits are (source, 0, ..., 0). */
    private void writeStoreOfImages(LabeledDataset source, int[] sources, int shardSize) {
        int[] mapShape = {3, 28, 28};
        int plane = 3 * 28 * 28;
        for (int shard = 0; shard * shardSize < sources.length; shard++) {
            int from = shard * shardSize;
            int n = Math.min(shardSize, sources.length - from);
            float[] logits = new float[n * 10];
            float[] maps = new float[n * plane];
            for (int k = 0; k < n; k++) {
                logits[k * 10] = sources[from + k];
                System.arraycopy(source.image(sources[from + k]).data(), 0, maps, k * plane, plane);
            }
            FrozenTeacherStore.writeShard(dir, shard, n, logits, 10, maps, mapShape);
        }
        ObjectNode index = JSON.createObjectNode();
        index.put("format", FrozenTeacherStore.FORMAT);
        index.put("explainer", "bcos");
        index.put("classes", 10);
        index.put("samples", sources.length);
        index.put("shard_size", shardSize);
        index.set("map_shape", JSON.valueToTree(mapShape));
        index.set("explanation_shape", JSON.valueToTree(mapShape));
        index.set("source_indices", JSON.valueToTree(IntStream.of(sources).toArray()));
        index.put("complete", true);
        FrozenTeacherStore.writeIndex(dir, index);
    }
}
