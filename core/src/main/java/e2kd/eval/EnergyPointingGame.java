package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * Energy pointing game (EPG; Wang et al., Score-CAM, as used in the e²KD paper, Table 5): the share of the positive
 * attribution that falls inside the object's boxes, Σ_{inside} max(a, 0) / Σ_{all} max(a, 0).
 */
public final class EnergyPointingGame {
    private EnergyPointingGame() {}

    /**
     * Per-sample EPG.
     *
     * @param attribution (B, H, W) contribution maps (see {@code e2kd.explain.Contributions})
     * @param inside      (B, H, W) masks, 1 inside the object's boxes, 0 outside
     * @return (B) values in [0, 1]; NaN for a sample whose mask is empty or whose map has no positive value
     */
    public static double[] perSample(NDArray attribution, NDArray inside) {
        if (!attribution.getShape().equals(inside.getShape())
                || attribution.getShape().dimension() != 3) {
            throw new IllegalArgumentException("EPG needs attribution and mask of the same (B, H, W) shape, got "
                    + attribution.getShape() + " and " + inside.getShape());
        }
        int[] spatial = {1, 2};
        NDArray positive = Activation.relu(attribution).toType(DataType.FLOAT64, false);
        NDArray mask = inside.toType(DataType.FLOAT64, false);
        double[] in = positive.mul(mask).sum(spatial).toDoubleArray();
        double[] total = positive.sum(spatial).toDoubleArray();
        double[] area = mask.sum(spatial).toDoubleArray();
        double[] out = new double[in.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = area[i] > 0 && total[i] > 0 ? in[i] / total[i] : Double.NaN;
        }
        return out;
    }
}
