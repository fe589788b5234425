package e2kd.data;

import java.util.List;

/** A view of some samples of another dataset; sample {@code i} is source sample {@code indices[i]}. */
public final class SubsetDataset implements LabeledDataset {
    private final LabeledDataset source;
    private final int[] indices;

    /**
     * @throws IllegalArgumentException if an index is outside the source
     */
    public SubsetDataset(LabeledDataset source, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= source.size()) {
                throw new IllegalArgumentException("subset index " + i + " outside dataset of size " + source.size());
            }
        }
        this.source = source;
        this.indices = indices.clone();
    }

    /** The source-dataset index of sample {@code index}. */
    public int sourceIndex(int index) {
        return indices[index];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Image image(int index) {
        return source.image(indices[index]);
    }

    @Override
    public int label(int index) {
        return source.label(indices[index]);
    }

    @Override
    public List<String> classNames() {
        return source.classNames();
    }

    @Override
    public int[] classes(int index) {
        return source.classes(indices[index]);
    }

    @Override
    public boolean multiLabel() {
        return source.multiLabel();
    }
}
