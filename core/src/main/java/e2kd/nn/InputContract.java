package e2kd.nn;

import java.util.Arrays;

/**
 * How images must be prepared for a model: square size in pixels and encoding. {@code bcos-6ch} is
 * [r, g, b, 1−r, 1−g, 1−b] with pixels in [0, 1] (METHOD.md §3); {@code mean-std} is (x − mean)/std per channel.
 */
public record InputContract(int size, String encoding, double[] mean, double[] std) {
    public static final String BCOS = "bcos-6ch";
    public static final String MEAN_STD = "mean-std";
    private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

    public InputContract {
        if (!BCOS.equals(encoding) && !MEAN_STD.equals(encoding)) {
            throw new IllegalArgumentException(
                    "input encoding '" + encoding + "' is not valid; expected " + BCOS + " or " + MEAN_STD);
        }
        if (size < 8) {
            throw new IllegalArgumentException("input size " + size + " must be at least 8 px");
        }
    }

    /** 6-channel B-cos encoding at {@code size}. */
    static InputContract bcos(int size) {
        return new InputContract(size, BCOS, new double[0], new double[0]);
    }

    /** ImageNet mean/std at {@code size}. */
    static InputContract imagenet(int size) {
        return new InputContract(size, MEAN_STD, IMAGENET_MEAN.clone(), IMAGENET_STD.clone());
    }

    /** Fails with a one-line message when images x (B, C, H, W) are not of this contract's size and channels. */
    public void check(ai.djl.ndarray.NDArray x) {
        ai.djl.ndarray.types.Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != channels() || s.get(2) != size || s.get(3) != size) {
            throw new IllegalArgumentException("input "
                    + (s.dimension() == 4
                            ? s.get(2) + "x" + s.get(3) + " px with " + s.get(1) + " channels"
                            : "of shape " + s)
                    + " does not fit the model's input contract: "
                    + size + "x" + size + " px, " + channels() + " channels (" + encoding + ")");
        }
    }

    /** Channels after encoding 3-channel images. */
    public int channels() {
        return BCOS.equals(encoding) ? 6 : 3;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputContract c
                && c.size == size
                && c.encoding.equals(encoding)
                && Arrays.equals(c.mean, mean)
                && Arrays.equals(c.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * size + encoding.hashCode()) + Arrays.hashCode(mean);
    }
}
