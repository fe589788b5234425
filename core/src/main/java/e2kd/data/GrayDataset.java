package e2kd.data;

import java.util.List;

/**
 * An in-memory dataset of 8-bit grey images (as read from IDX files), kept as bytes and expanded
 * to 3-channel float {@code (3,rows,cols)} images only on access.
 */
public final class GrayDataset implements LabeledDataset {
    private final IdxImages images;
    private final byte[] labels;
    private final List<String> classNames;

    /**
     * @param labels one unsigned byte per image, each below {@code classNames.size()}
     * @param source name used in error messages (e.g. the label file)
     * @throws E2kdDataException if counts differ or a label is out of range
     */
    public GrayDataset(IdxImages images, byte[] labels, List<String> classNames, String source) {
        if (images.count() != labels.length) {
            throw new E2kdDataException(source + ": " + labels.length + " labels for " + images.count() + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) >= classNames.size()) {
                throw new E2kdDataException(source + ": label " + (labels[i] & 0xFF) + " at index " + i
                        + ", expected 0.." + (classNames.size() - 1));
            }
        }
        this.images = images;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Image image(int index) {
        return images.image(index);
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }
}
