package e2kd;

import ai.djl.ndarray.NDArray;
import e2kd.nn.ops.Autograd;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/** Central finite differences (float64) against the analytic gradients already stored in the arrays. */
public final class FiniteDifferences {
    private FiniteDifferences() {}

    /**
     * The worst of |analytic − numeric| / (|numeric| + 1e-3) over {@code trials} coordinates drawn at random from
     * {@code arrays} (each must hold its gradient of {@code loss}); {@code loss} is evaluated without a graph, with
     * the drawn coordinate moved by ±h and restored afterwards.
     */
    public static double worstError(List<NDArray> arrays, DoubleSupplier loss, int trials, long seed, double h) {
        SplittableRandom rng = new SplittableRandom(seed);
        double worst = 0;
        for (int trial = 0; trial < trials; trial++) {
            NDArray a = arrays.get(rng.nextInt(arrays.size()));
            double[] values = a.toDoubleArray();
            int i = rng.nextInt(values.length);
            double analytic = a.getGradient().toDoubleArray()[i];
            double up = at(a, values, i, h, loss);
            double down = at(a, values, i, -h, loss);
            set(a, values);
            double numeric = (up - down) / (2 * h);
            worst = Math.max(worst, Math.abs(analytic - numeric) / (Math.abs(numeric) + 1e-3));
        }
        return worst;
    }

    private static double at(NDArray a, double[] values, int i, double h, DoubleSupplier loss) {
        double[] moved = values.clone();
        moved[i] += h;
        set(a, moved);
        return Autograd.noGrad(loss::getAsDouble);
    }

    private static void set(NDArray a, double[] values) {
        Autograd.noGrad(() -> {
            a.set(values);
            return null;
        });
    }
}
