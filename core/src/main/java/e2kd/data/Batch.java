package e2kd.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;

/**
 * One batch of model inputs. Its NDArrays live in their own sub-manager of the manager given to
 * the loader; {@link #close()} frees them (use try-with-resources, or {@code attach} arrays that
 * must outlive the batch to another manager).
 */
public final class Batch implements AutoCloseable {
    private final NDManager manager;
    private final NDArray images;
    private final NDArray labels;
    private final NDArray targets;
    private final NDArray maps;
    private final long[] indices;

    private Batch(NDManager manager, NDArray images, NDArray labels, NDArray targets, NDArray maps, long[] indices) {
        this.manager = manager;
        this.images = images;
        this.labels = labels;
        this.targets = targets;
        this.maps = maps;
        this.indices = indices;
    }

    /** Creates the NDArrays of {@code p} in a new sub-manager of {@code parent}; call on its thread. */
    static Batch create(NDManager parent, PreparedBatch p) {
        NDManager m = parent.newSubManager();
        int b = p.indices().length;
        int[] s = p.imageShape();
        NDArray images = m.create(p.images(), new Shape(b, s[0], s[1], s[2]));
        long[] labelValues = new long[b];
        for (int i = 0; i < b; i++) {
            labelValues[i] = p.labels()[i];
        }
        NDArray labels = m.create(labelValues, new Shape(b));
        NDArray targets = m.create(p.targets(), new Shape(b, p.numClasses()));
        NDArray maps = p.maps() == null ? null : m.create(p.maps(), new Shape(b, p.mapChannels(), s[1], s[2]));
        return new Batch(m, images, labels, targets, maps, p.indices().clone());
    }

    /** Encoded images, {@code (B,C,H,W)} float32. */
    public NDArray images() {
        return images;
    }

    /** Class labels, {@code (B)} int64 (the unmixed labels when mixup is on). */
    public NDArray labels() {
        return labels;
    }

    /**
     * Each sample's classes as a {@code (B,K)} float32 0/1 row ({@link LabeledDataset#classes}: one-hot, several ones
     * for multi-label data), mixed when mixup is on.
     */
    public NDArray targets() {
        return targets;
    }

    /** Paired-augmented explanation maps {@code (B,C',H,W)} float32, if the loader has maps. */
    public Optional<NDArray> maps() {
        return Optional.ofNullable(maps);
    }

    /** Dataset index of each sample, {@code (B)}, for logging. */
    public long[] indices() {
        return indices.clone();
    }

    /** Number of samples {@code B}. */
    public int size() {
        return indices.length;
    }

    /** The sub-manager holding this batch's arrays. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
