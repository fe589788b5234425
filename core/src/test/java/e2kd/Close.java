package e2kd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Numerical comparisons for tests (float64 on the Java side). */
public final class Close {
    private Close() {}

    public static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    public static double maxAbsDiff(NDArray actual, NDArray expected) {
        double[] x = values(actual);
        double[] y = values(expected);
        assertEquals(y.length, x.length, "element count");
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }

    public static double maxAbs(NDArray a) {
        double worst = 0;
        for (double v : values(a)) {
            worst = Math.max(worst, Math.abs(v));
        }
        return worst;
    }

    /** |actual − expected| ≤ atol element-wise, with the shapes equal. */
    public static void absolute(NDArray actual, NDArray expected, double atol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        double d = maxAbsDiff(actual, expected);
        assertTrue(d <= atol, what + ": max |diff| = " + d + " > " + atol);
    }

    /** max |actual − expected| ≤ rtol · max |expected| (relative to the array's scale). */
    public static void relative(NDArray actual, NDArray expected, double rtol, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        double scale = Math.max(maxAbs(expected), 1e-300);
        double d = maxAbsDiff(actual, expected);
        assertTrue(d <= rtol * scale, what + ": max |diff| = " + d + " > " + rtol + " × " + scale);
    }
}
