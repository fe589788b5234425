package e2kd.data;

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
}
