package e2kd.data;

import java.util.List;

/**
 * A finite, indexable set of labelled RGB images. Implementations must allow {@link #image} to be
 * called from a background thread (the {@link DataLoader} prefetches on one).
 */
public interface LabeledDataset {
    /** Number of samples. */
    int size();

    /** Sample {@code index} as a 3-channel {@code (3,H,W)} image with values in [0,1]. */
    Image image(int index);

    /** Class of sample {@code index}, in {@code [0, classNames().size())}. */
    int label(int index);

    /** Class names; label {@code k} is {@code classNames().get(k)}. */
    List<String> classNames();

    /**
     * Every class of sample {@code index}, ascending and distinct: the label alone unless the data set is
     * {@link #multiLabel()}; then all classes present, the label among them. A batch's targets are these as 0/1 rows.
     */
    default int[] classes(int index) {
        return new int[] {label(index)};
    }

    /**
     * Whether a sample may have several classes (PASCAL VOC's objects): each is then a right answer and a positive
     * target, and {@link #label} is one of them that stands for the sample where one class is needed (few-shot
     * splits). What follows for training and evaluation is decided in one place, {@code e2kd.distill.Labelling}.
     */
    default boolean multiLabel() {
        return false;
    }

    /** All labels, {@code (N)}; cheap, no image is decoded. */
    default int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /** A view of the samples at {@code indices} (e.g. a {@link FewShot} split), in that order. */
    default LabeledDataset subset(int[] indices) {
        return new SubsetDataset(this, indices);
    }
}
