package e2kd.train.frozen;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import e2kd.data.Batch;
import e2kd.data.Image;
import e2kd.distill.Labelling;
import e2kd.distill.TeacherOutput;
import e2kd.io.E2kdIoException;
import e2kd.train.Splits;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * The frozen teacher of a run's training split: per training sample its stored logits and explanation
 * ({@link FrozenTeacherStore}). The loader gives each stored map the same crop and flip as its image
 * ({@link e2kd.data.DataLoader.Builder#maps}); {@link #output} turns a batch into the teacher's outputs.
 */
public final class FrozenTeacher implements AutoCloseable {
    private final FrozenTeacherStore store;
    private final int[] rows;
    private final int explanationRank;
    private final Labelling labelling;

    private FrozenTeacher(FrozenTeacherStore store, int[] rows, Labelling labelling) {
        this.store = store;
        this.rows = rows;
        this.explanationRank = store.explanationShape().length;
        this.labelling = labelling;
    }

    /**
     * @param trainIndices source index of each training sample ({@link Splits#trainIndices()})
     * @param explainer    the student's explainer, which must be the one the maps were computed with
     * @param labelling    the data's, which chooses the explained class as {@link Precompute} chose it
     */
    public static FrozenTeacher open(Path dir, int[] trainIndices, int classes, String explainer, Labelling labelling) {
        FrozenTeacherStore store = FrozenTeacherStore.open(dir);
        try {
            Path index = FrozenTeacherStore.indexFile(dir);
            if (store.classes() != classes) {
                throw new E2kdIoException(
                        index, "teacher outputs have " + store.classes() + " classes but the data has " + classes);
            }
            String stored = store.index().path("explainer").asText();
            if (!stored.equals(explainer)) {
                throw new E2kdIoException(
                        index, "maps were computed with explainer " + stored + " but the student uses " + explainer);
            }
            int[] rows = new int[trainIndices.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = store.row(trainIndices[i]);
            }
            return new FrozenTeacher(store, rows, labelling);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The teacher checkpoint the outputs were computed with. */
    public String teacherPath() {
        return store.index().path("teacher").asText();
    }

    /** Training sample i's stored map (C', H, W), for the loader's paired augmentation. */
    public IntFunction<Image> maps() {
        return i -> store.map(rows[i]);
    }

    /**
     * The stored logits (B, classes) of the batch, the class explained (their top-1, or on multi-label data the
     * labelled class of highest logit) and, with {@code withMap}, the augmented maps.
     */
    public TeacherOutput output(Batch b, boolean withMap) {
        long[] indices = b.indices();
        int classes = store.classes();
        float[] logits = new float[indices.length * classes];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(store.logits(rows[(int) indices[k]]), 0, logits, k * classes, classes);
        }
        NDArray z = b.manager().create(logits, new Shape(indices.length, classes));
        NDArray map = null;
        if (withMap) {
            map = b.maps().orElseThrow(() -> new IllegalStateException("the loader has no stored maps"));
            if (explanationRank == 2) {
                map = map.squeeze(1); // GradCAM maps are (B, H, W)
            }
        }
        return new TeacherOutput(z, labelling.explained(b.targets()).choose(z), map);
    }

    @Override
    public void close() {
        store.close();
    }
}
