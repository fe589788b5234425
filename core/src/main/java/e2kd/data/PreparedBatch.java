package e2kd.data;

/**
 * A batch as plain arrays, built off the consuming thread; {@link Batch#create} turns it into
 * NDArrays.
 *
 * @param indices dataset index of each sample, {@code (B)}
 * @param labels class of each sample, {@code (B)}
 * @param images encoded images, {@code (B,C,H,W)} row-major
 * @param imageShape {@code {C,H,W}}
 * @param targets each sample's classes as 0/1 rows, {@code (B,K)} row-major (mixed when mixup was applied)
 * @param numClasses {@code K}
 * @param maps explanation maps {@code (B,C',H,W)}, or null without maps
 * @param mapChannels {@code C'} (0 without maps)
 */
record PreparedBatch(
        long[] indices,
        int[] labels,
        float[] images,
        int[] imageShape,
        float[] targets,
        int numClasses,
        float[] maps,
        int mapChannels) {}
