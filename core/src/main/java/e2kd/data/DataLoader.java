package e2kd.data;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Iterates a dataset in batches: per sample, {@link Augmentation} (a {@link GeometricTransform},
 * also applied to the sample's explanation map if the loader has maps) then {@link Encoding}; per
 * batch, optional {@link Mixup}. Batches are built on a background thread, {@code prefetch}
 * batches ahead (see {@link EpochIterator}).
 *
 * <p>Determinism: the order of epoch {@code e} comes from {@code Seeds.random(seed, SHUFFLE, e)},
 * the augmentation of dataset sample {@code i} from {@code Seeds.random(seed, AUGMENT, e, i)} and
 * the mixup of batch {@code b} from {@code Seeds.random(seed, MIXUP, e, b)}. So a batch's content
 * depends only on these, not on thread timing, the prefetch depth or the number of {@link Builder#workers}.
 *
 * <p>Unreadable images ({@link Builder#skipUnreadable}): a sample whose file fails to decode is found when a batch
 * first reads it and is dropped from that batch, which is then one sample smaller, as a PyTorch {@code collate_fn}
 * that filters out failed samples would have it. Every other sample keeps its batch, its place in the order and its
 * augmentation (mixup draws over the smaller batch); a batch with no readable sample is left out of the epoch. No
 * file is decoded before its batch is built.
 */
public final class DataLoader {
    private final LabeledDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final Augmentation augmentation;
    private final Encoding encoding;
    private final Mixup mixup;
    private final IntFunction<Image> maps;
    private final int prefetch;
    private final SampleWorkers workers;
    private final SkippedImages skipped;
    private final Set<Integer> unreadable = ConcurrentHashMap.newKeySet();

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.augmentation = b.augmentation;
        this.encoding = b.encoding;
        this.mixup = b.mixup;
        this.maps = b.maps;
        this.prefetch = b.prefetch;
        this.workers = b.workers > 1 ? new SampleWorkers(b.workers) : null;
        this.skipped = b.skipped;
    }

    /** Starts configuring a loader over {@code dataset} with {@code batchSize} samples per batch. */
    public static Builder builder(LabeledDataset dataset, int batchSize) {
        return new Builder(dataset, batchSize);
    }

    /**
     * Batches in one epoch: {@code ceil(N/B)}, or {@code floor(N/B)} with dropLast (fewer when skipped unreadable
     * images leave a batch empty).
     */
    public int batchesPerEpoch() {
        return batchesPerEpoch(dataset.size(), batchSize, dropLast);
    }

    /** Batches in one epoch of {@code n} samples: {@code ceil(n/batchSize)}, or {@code floor(n/batchSize)} with dropLast. */
    public static int batchesPerEpoch(int n, int batchSize, boolean dropLast) {
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * Iterates epoch {@code epoch}; batches' NDArrays are created in sub-managers of {@code
     * manager}, on the calling thread. Close the iterator when done (it also closes itself after
     * the last batch).
     */
    public EpochIterator epoch(int epoch, NDManager manager) {
        return new EpochIterator(this, epoch, manager, prefetch);
    }

    /** The data set iterated. */
    public LabeledDataset dataset() {
        return dataset;
    }

    /** Whether batches carry paired maps ({@link Builder#maps}). */
    public boolean hasMaps() {
        return maps != null;
    }

    /** The dataset indices visited in epoch {@code epoch}, {@code (N)}. */
    public int[] order(int epoch) {
        int[] order = new int[dataset.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = Seeds.random(seed, Seeds.SHUFFLE, epoch);
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }

    /**
     * Builds batch {@code batchIndex} of {@code epoch} from {@code order}, without the samples skipped as unreadable;
     * null when all of them were. Thread-safe.
     */
    PreparedBatch prepare(int epoch, int batchIndex, int[] order) {
        int start = batchIndex * batchSize;
        int n = Math.min(batchSize, order.length - start);
        Image[] xs = new Image[n];
        Image[] ms = maps == null ? null : new Image[n];
        IntConsumer decode = k -> {
            int i = order[start + k];
            Image raw = read(i);
            if (raw == null) {
                return;
            }
            GeometricTransform t =
                    augmentation.sample(raw.height(), raw.width(), Seeds.random(seed, Seeds.AUGMENT, epoch, i));
            xs[k] = encoding.encode(t.apply(raw));
            if (ms != null) {
                ms[k] = t.apply(maps.apply(i));
            }
        };
        if (workers == null) {
            for (int k = 0; k < n; k++) {
                decode.accept(k);
            }
        } else {
            workers.run(n, decode);
        }
        int b = (int) Arrays.stream(xs).filter(Objects::nonNull).count();
        if (b == 0) {
            return null;
        }
        long[] indices = new long[b];
        int[] labels = new int[b];
        float[] images = null;
        float[] mapData = null;
        int[] shape = null;
        int mapChannels = 0;
        int row = 0;
        for (int k = 0; k < n; k++) {
            Image x = xs[k];
            if (x == null) {
                continue;
            }
            int i = order[start + k];
            indices[row] = i;
            labels[row] = dataset.label(i);
            if (shape == null) {
                shape = new int[] {x.channels(), x.height(), x.width()};
                images = new float[b * x.data().length];
            }
            requireShape(i, x, shape[0], shape, "image");
            System.arraycopy(x.data(), 0, images, row * x.data().length, x.data().length);
            if (ms != null) {
                Image m = ms[k];
                if (mapData == null) {
                    mapChannels = m.channels();
                    mapData = new float[b * m.data().length];
                }
                requireShape(i, m, mapChannels, shape, "explanation map");
                System.arraycopy(m.data(), 0, mapData, row * m.data().length, m.data().length);
            }
            row++;
        }
        int numClasses = dataset.classNames().size();
        float[] targets = new float[b * numClasses];
        for (int k = 0; k < b; k++) {
            for (int c : dataset.classes(order[start + k])) {
                targets[k * numClasses + c] = 1f;
            }
        }
        if (mixup != null) {
            Mixup.Draw draw = mixup.draw(b, Seeds.random(seed, Seeds.MIXUP, epoch, batchIndex));
            images = Mixup.mix(images, draw);
            targets = Mixup.mix(targets, draw);
            if (mapData != null) {
                mapData = Mixup.mix(mapData, draw);
            }
        }
        return new PreparedBatch(indices, labels, images, shape, targets, numClasses, mapData, mapChannels);
    }

    /**
     * Sample {@code i}'s pixels; null when it is unreadable and this loader skips such samples (recorded in {@link
     * #skipped} the first time, and not decoded again).
     */
    private Image read(int i) {
        if (skipped == null) {
            return dataset.image(i);
        }
        if (unreadable.contains(i)) {
            return null;
        }
        try {
            return dataset.image(i);
        } catch (UnreadableImageException e) {
            skipped.add(e);
            unreadable.add(i);
            return null;
        }
    }

    /** Checks that sample {@code index}'s {@code x} is {@code (channels, shape[1], shape[2])}. */
    private static void requireShape(int index, Image x, int channels, int[] shape, String what) {
        if (x.channels() != channels || x.height() != shape[1] || x.width() != shape[2]) {
            throw new E2kdDataException(
                    "sample " + index + ": " + what + " shape " + x.shape() + " differs from the batch's ("
                            + channels + "," + shape[1] + "," + shape[2]
                            + "); use an augmentation with a fixed output size");
        }
    }

    /** Configures a {@link DataLoader}; defaults: sequential, seed 0, keep last partial batch,
     * identity augmentation, raw RGB encoding, no mixup, no maps, prefetch 2. */
    public static final class Builder {
        private final LabeledDataset dataset;
        private final int batchSize;
        private boolean shuffle;
        private boolean dropLast;
        private long seed;
        private Augmentation augmentation = Augmentation.identity();
        private Encoding encoding = Encoding.rgb();
        private Mixup mixup;
        private IntFunction<Image> maps;
        private int prefetch = 2;
        private int workers = 1;
        private SkippedImages skipped;

        private Builder(LabeledDataset dataset, int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            this.dataset = dataset;
            this.batchSize = batchSize;
        }

        /** Visit samples in a seeded random order, new each epoch (default: dataset order). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Drop a last batch smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Seed of all randomness (order, augmentation, mixup). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder augmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        public Builder encoding(Encoding encoding) {
            this.encoding = encoding;
            return this;
        }

        /** Mix images, targets and maps within each batch; null turns mixup off. */
        public Builder mixup(Mixup mixup) {
            this.mixup = mixup;
            return this;
        }

        /**
         * Stored explanation maps for frozen e²KD: {@code maps.apply(i)} is dataset sample {@code
         * i}'s map {@code (C',h,w)}, any resolution; it receives the same geometric transform as the
         * image and is returned in {@link Batch#maps()}. Called on the prefetch thread.
         */
        public Builder maps(IntFunction<Image> maps) {
            this.maps = maps;
            return this;
        }

        /** Batches built ahead on a background thread; 0 builds them on the consuming thread. */
        public Builder prefetch(int prefetch) {
            if (prefetch < 0) {
                throw new IllegalArgumentException("prefetch must be >= 0, got " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        /**
         * Threads decoding and augmenting a batch's samples (default 1: the building thread alone); batches are
         * identical for any count, since each sample's augmentation draws from its own seeded stream.
         */
        public Builder workers(int workers) {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            this.workers = workers;
            return this;
        }

        /**
         * Drop samples whose image file is unreadable ({@link UnreadableImageException}) from their batch and record
         * them in {@code skipped}, instead of failing with the error that names the file; null (the default) fails.
         */
        public Builder skipUnreadable(SkippedImages skipped) {
            this.skipped = skipped;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
