package e2kd.data;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A labelled dataset whose images carry object boxes (for the energy pointing game). Like {@link
 * #image}, {@link #boxes} may be called from the loader's background thread.
 */
public interface BoxedDataset extends LabeledDataset {
    /**
     * The boxes of sample {@code index}'s labelled class (all of its boxes when the source does not
     * name classes), with the size of the stored image; no image is decoded.
     */
    ImageBoxes boxes(int index);

    /**
     * The boxes of class {@code cls} in sample {@code index}; by default {@link #boxes} for the
     * sample's label and none for any other class.
     */
    default ImageBoxes boxes(int index, int cls) {
        ImageBoxes own = boxes(index);
        return cls == label(index) ? own : new ImageBoxes(own.height(), own.width(), List.of());
    }

    /**
     * The box masks of every class of each sample, for the energy pointing game per class: sample
     * {@code i}'s map has channel {@code j} = the mask of class {@code classes(i)[j]}'s boxes, then
     * all-zero channels up to the largest class count of any sample, so that every map has the same
     * channels (a single-label data set: one channel, the label's mask).
     */
    default IntFunction<Image> classMasks() {
        int slots = 1;
        for (int i = 0; i < size(); i++) {
            slots = Math.max(slots, classes(i).length);
        }
        int channels = slots;
        return i -> {
            int[] classes = classes(i);
            Image first = boxes(i, classes[0]).mask();
            int plane = first.height() * first.width();
            float[] out = new float[channels * plane];
            System.arraycopy(first.data(), 0, out, 0, plane);
            for (int j = 1; j < classes.length; j++) {
                System.arraycopy(boxes(i, classes[j]).mask().data(), 0, out, j * plane, plane);
            }
            return new Image(channels, first.height(), first.width(), out);
        };
    }
}
