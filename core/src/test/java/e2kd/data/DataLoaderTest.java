package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private static NDManager manager;

    @BeforeAll
    static void start() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    /** 50 images (3,12,16) with labels i % 5 and content derived from the index. */
    private static LabeledDataset synthetic(int failAt) {
        return new LabeledDataset() {
            @Override
            public int size() {
                return 50;
            }

            @Override
            public Image image(int index) {
                if (index == failAt) {
                    throw new E2kdDataException("img" + index + ".png: corrupt or truncated image");
                }
                Image base = AugmentationTest.pattern(12, 16);
                float[] d = base.data().clone();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (d[i] + index * 0.013f) % 1f;
                }
                return new Image(3, 12, 16, d);
            }

            @Override
            public int label(int index) {
                return index % 5;
            }

            @Override
            public List<String> classNames() {
                return List.of("a", "b", "c", "d", "e");
            }
        };
    }

    private static DataLoader.Builder training(int prefetch) {
        return DataLoader.builder(synthetic(-1), 8)
                .shuffle(true)
                .seed(42)
                .augmentation(TrainAugmentation.standard(10))
                .encoding(Encoding.bcos())
                .prefetch(prefetch);
    }

    private record Snapshot(long[] indices, float[] images, long[] labels, float[] targets) {}

    private static List<Snapshot> run(DataLoader loader, int epoch) {
        List<Snapshot> out = new ArrayList<>();
        try (EpochIterator it = loader.epoch(epoch, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    out.add(new Snapshot(
                            b.indices(),
                            b.images().toFloatArray(),
                            b.labels().toLongArray(),
                            b.targets().toFloatArray()));
                }
            }
        }
        return out;
    }

    private static void assertSameBatches(List<Snapshot> a, List<Snapshot> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).indices(), b.get(i).indices());
            assertArrayEquals(a.get(i).images(), b.get(i).images());
            assertArrayEquals(a.get(i).labels(), b.get(i).labels());
            assertArrayEquals(a.get(i).targets(), b.get(i).targets());
        }
    }

    private static long prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("e2kd-prefetch"))
                .count();
    }

    @Test
    void sameSeedSameBatchesWithOrWithoutPrefetch() {
        List<Snapshot> prefetched = run(training(2).build(), 3);
        assertSameBatches(prefetched, run(training(2).build(), 3));
        assertSameBatches(prefetched, run(training(0).build(), 3));
        assertEquals(7, prefetched.size());
        assertEquals(2, prefetched.get(6).indices().length);
        long[] other = run(training(2).build(), 4).get(0).indices();
        assertFalse(Arrays.equals(prefetched.get(0).indices(), other), "epochs are shuffled anew");
        assertEquals(0, prefetchThreads());
    }

    @Test
    void batchShapesTypesAndLabels() {
        DataLoader loader = training(1).build();
        try (EpochIterator it = loader.epoch(0, manager);
                Batch b = it.next()) {
            assertEquals("(8, 6, 10, 10)", b.images().getShape().toString());
            assertEquals(DataType.FLOAT32, b.images().getDataType());
            assertEquals(DataType.INT64, b.labels().getDataType());
            assertEquals("(8, 5)", b.targets().getShape().toString());
            long[] labels = b.labels().toLongArray();
            long[] indices = b.indices();
            for (int i = 0; i < 8; i++) {
                assertEquals(indices[i] % 5, labels[i]);
            }
            assertTrue(b.maps().isEmpty());
        }
        assertEquals(0, prefetchThreads());
    }

    @Test
    void sequentialDropLast() {
        DataLoader loader = DataLoader.builder(synthetic(-1), 8).dropLast(true).build();
        List<Snapshot> batches = run(loader, 0);
        assertEquals(6, batches.size());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, batches.get(0).indices());
        assertEquals(12 * 16 * 3 * 8, batches.get(0).images().length);
    }

    @Test
    void mapsArePairedAugmentedAndMixedWithImages() {
        LabeledDataset data = synthetic(-1);
        DataLoader loader = DataLoader.builder(data, 5)
                .shuffle(true)
                .seed(1)
                .augmentation(TrainAugmentation.standard(12))
                .mixup(new Mixup(0.4))
                .maps(i -> ImageOps.crop(new Image(1, 36, 16, data.image(i).data()), 0, 0, 12, 16))
                .build();
        try (EpochIterator it = loader.epoch(0, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    NDArray maps = b.maps().orElseThrow();
                    assertEquals("(5, 1, 12, 12)", maps.getShape().toString());
                    float[] red = b.images().get(":, 0:1").toFloatArray();
                    assertArrayEquals(red, maps.toFloatArray(), 1e-6f);
                    float[] sums = b.targets().sum(new int[] {1}).toFloatArray();
                    for (float s : sums) {
                        assertEquals(1f, s, 1e-5f);
                    }
                }
            }
        }
    }

    @Test
    void closeMidEpochStopsThePrefetchThread() {
        DataLoader loader = training(2).build();
        EpochIterator it = loader.epoch(0, manager);
        it.next().close();
        assertTrue(it.hasNext());
        it.close();
        assertFalse(it.hasNext());
        assertEquals(0, prefetchThreads());
    }

    @Test
    void anyNumberOfWorkersGivesTheSameBatches() {
        List<Snapshot> one = run(training(1).build(), 2);
        for (int workers : new int[] {2, 5}) {
            assertSameBatches(one, run(training(1).workers(workers).build(), 2));
        }
        DataLoader failing =
                DataLoader.builder(synthetic(13), 4).workers(3).prefetch(0).build();
        EpochIterator it = failing.epoch(0, manager);
        for (int i = 0; i < 3; i++) {
            it.next().close();
        }
        E2kdDataException e = assertThrows(E2kdDataException.class, it::next);
        assertEquals("img13.png: corrupt or truncated image", e.getMessage(), "a worker's error, as it is");
        it.close();
    }

    /** {@link #synthetic} with the images at {@code bad} unreadable, as files that fail to decode. */
    private static LabeledDataset withUnreadable(Set<Integer> bad) {
        LabeledDataset good = synthetic(-1);
        return withImages(good, good.size(), index -> {
            if (bad.contains(index)) {
                throw new UnreadableImageException(Path.of("img" + index + ".png"), "corrupt or truncated image");
            }
            return good.image(index);
        });
    }

    /** The first {@code size} samples of {@code base} (labels and classes), with {@code images} as their images. */
    private static LabeledDataset withImages(LabeledDataset base, int size, IntFunction<Image> images) {
        return new LabeledDataset() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Image image(int index) {
                return images.apply(index);
            }

            @Override
            public int label(int index) {
                return base.label(index);
            }

            @Override
            public List<String> classNames() {
                return base.classNames();
            }
        };
    }

    @Test
    void unreadableSamplesAreDroppedFromTheirBatchTheSameForAnyWorkersAndCountedOnce() {
        Set<Integer> bad = Set.of(3, 17, 18, 41);
        int imageSize = 6 * 10 * 10;
        List<Snapshot> all = run(training(0).build(), 2);
        List<Snapshot> reference = null;
        for (int workers : new int[] {1, 2, 5}) {
            for (int prefetch : new int[] {0, 2}) {
                SkippedImages skipped = new SkippedImages();
                DataLoader loader = DataLoader.builder(withUnreadable(bad), 8)
                        .shuffle(true)
                        .seed(42)
                        .augmentation(TrainAugmentation.standard(10))
                        .encoding(Encoding.bcos())
                        .workers(workers)
                        .prefetch(prefetch)
                        .skipUnreadable(skipped)
                        .build();
                List<Snapshot> batches = run(loader, 2);
                if (reference == null) {
                    reference = batches;
                } else {
                    assertSameBatches(reference, batches);
                }
                run(loader, 3); // read again in another epoch: still counted once
                assertEquals(4, skipped.count());
                assertEquals(
                        List.of(Path.of("img17.png"), Path.of("img18.png"), Path.of("img3.png"), Path.of("img41.png")),
                        skipped.files());
            }
        }
        // each batch is the full run's batch without the unreadable samples; the others keep their augmentation
        assertEquals(all.size(), reference.size());
        int dropped = 0;
        for (int b = 0; b < all.size(); b++) {
            long[] full = all.get(b).indices();
            long[] kept = reference.get(b).indices();
            assertArrayEquals(
                    Arrays.stream(full).filter(i -> !bad.contains((int) i)).toArray(), kept, "batch " + b);
            for (int k = 0, row = 0; k < full.length; k++) {
                if (bad.contains((int) full[k])) {
                    dropped++;
                    continue;
                }
                assertArrayEquals(
                        Arrays.copyOfRange(all.get(b).images(), k * imageSize, (k + 1) * imageSize),
                        Arrays.copyOfRange(reference.get(b).images(), row * imageSize, (row + 1) * imageSize));
                row++;
            }
        }
        assertEquals(4, dropped);
        assertEquals(0, prefetchThreads());
    }

    @Test
    void aBatchWithNoReadableSampleIsLeftOutAndWithoutSkippingTheFileIsNamed() {
        for (int prefetch : new int[] {0, 1}) {
            SkippedImages skipped = new SkippedImages();
            List<Snapshot> batches = run(
                    DataLoader.builder(withUnreadable(Set.of(4, 5, 6, 7, 48, 49)), 4)
                            .prefetch(prefetch)
                            .skipUnreadable(skipped)
                            .build(),
                    0);
            assertEquals(11, batches.size(), "13 batches of 50, less batch 1 (4..7) and batch 12 (48, 49)");
            assertArrayEquals(new long[] {0, 1, 2, 3}, batches.get(0).indices());
            assertArrayEquals(new long[] {8, 9, 10, 11}, batches.get(1).indices());
            assertArrayEquals(new long[] {44, 45, 46, 47}, batches.get(10).indices());
            assertEquals(6, skipped.count());
        }
        EpochIterator strict = DataLoader.builder(withUnreadable(Set.of(5)), 4)
                .workers(2)
                .build()
                .epoch(0, manager);
        strict.next().close();
        UnreadableImageException e = assertThrows(UnreadableImageException.class, strict::next);
        assertEquals("img5.png: corrupt or truncated image", e.getMessage());
        assertFalse(strict.hasNext());
    }

    @Test
    void decodeErrorsReachTheConsumer() {
        for (int prefetch : new int[] {0, 2}) {
            DataLoader loader =
                    DataLoader.builder(synthetic(13), 4).prefetch(prefetch).build();
            EpochIterator it = loader.epoch(0, manager);
            for (int i = 0; i < 3; i++) {
                it.next().close();
            }
            E2kdDataException e = assertThrows(E2kdDataException.class, it::next);
            assertEquals("img13.png: corrupt or truncated image", e.getMessage());
            assertFalse(it.hasNext());
            assertEquals(0, prefetchThreads());
        }
    }

    @Test
    void mismatchedSizesWithoutAFixedOutputAreReported() {
        LabeledDataset base = synthetic(-1);
        LabeledDataset ragged = withImages(
                base, 4, index -> index == 2 ? ImageOps.crop(base.image(index), 0, 0, 12, 14) : base.image(index));
        EpochIterator it = DataLoader.builder(ragged, 4).build().epoch(0, manager);
        E2kdDataException e = assertThrows(E2kdDataException.class, it::next);
        assertEquals(
                "sample 2: image shape (3,12,14) differs from the batch's (3,12,16);"
                        + " use an augmentation with a fixed output size",
                e.getMessage());
    }
}
