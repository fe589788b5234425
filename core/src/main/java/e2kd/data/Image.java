package e2kd.data;

/**
 * A dense float map in CHW order, shape {@code (C,H,W)}: element {@code (c,y,x)} is at {@code
 * data[(c*H + y)*W + x]}.
 *
 * <p>Images are 3-channel RGB with values in [0,1]; the same type also holds explanation maps,
 * which may have any channel count and any value range. The backing array is shared, not copied:
 * operations in this package never modify their inputs and always return new instances.
 */
public final class Image {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    /**
     * Wraps {@code data} (not copied) as a {@code (channels,height,width)} map.
     *
     * @throws IllegalArgumentException if a dimension is not positive or the length does not match
     */
    public Image(int channels, int height, int width, float[] data) {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "image shape (" + channels + "," + height + "," + width + ") must be positive");
        }
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException(
                    "image data has " + data.length + " floats, expected C*H*W = " + (long) channels * height * width);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /** A zero-filled {@code (channels,height,width)} map. */
    public static Image zeros(int channels, int height, int width) {
        return new Image(channels, height, width, new float[channels * height * width]);
    }

    /**
     * A 3-channel image from unsigned 8-bit grey pixels (row-major {@code (H,W)} starting at {@code
     * offset}), scaled to [0,1] and replicated to R, G and B.
     */
    public static Image fromGray(byte[] pixels, int offset, int height, int width) {
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            out[i] = (pixels[offset + i] & 0xFF) / 255f;
        }
        System.arraycopy(out, 0, out, plane, plane);
        System.arraycopy(out, 0, out, 2 * plane, plane);
        return new Image(3, height, width, out);
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The backing array, {@code (C,H,W)} row-major; shared, so do not modify it. */
    public float[] data() {
        return data;
    }

    /** The value at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /** The shape as {@code "(C,H,W)"}, for messages. */
    public String shape() {
        return "(" + channels + "," + height + "," + width + ")";
    }
}
