package e2kd.data;

/**
 * The contents of an IDX3 unsigned-byte image file: {@code count} grey images of {@code
 * (rows,cols)}, row-major, concatenated in {@code pixels} (length {@code count*rows*cols}).
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {
    public IdxImages {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException("IDX images: " + pixels.length
                    + " pixel bytes, expected count*rows*cols = " + (long) count * rows * cols);
        }
    }

    /** Image {@code i} as a 3-channel {@code (3,rows,cols)} image in [0,1]. */
    public Image image(int i) {
        return Image.fromGray(pixels, i * rows * cols, rows, cols);
    }
}
