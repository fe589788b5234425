package e2kd.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.ops.Autograd;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Four steps of {@link Adam} in float64 against torch.optim.Adam / AdamW's single-tensor update restated element by
 * element in Java doubles: parameters and both moments. DJL's fused update takes its hyperparameters as float32, so
 * the values agree to float32's resolution of lr, β and ε (1e-7), far below a wrong formula's error (ε without its
 * bias correction: 3e-4 at step 1).
 */
class AdamTest {
    @ParameterizedTest(name = "weight decay {0}, decoupled {1}")
    @CsvSource({"0.0, false", "0.1, false", "0.1, true"})
    void stepsEqualPyTorchsUpdate(double weightDecay, boolean decoupled) {
        double lr = 3e-2;
        double beta1 = 0.8;
        double beta2 = 0.95;
        double eps = 1e-3; // large enough that ε's place in the denominator is tested
        Random random = new Random(7);
        double[] theta = random.doubles(24, -1, 1).toArray();
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(theta.clone(), new Shape(2, 3, 4));
            p.setRequiresGradient(true);
            Map<String, NDArray> parameters = new LinkedHashMap<>(Map.of("w", p));
            Adam adam = new Adam(beta1, beta2, eps, weightDecay, decoupled);
            for (int t = 1; t <= 4; t++) {
                double[] g = random.doubles(theta.length, -2, 2).toArray();
                NDArray coefficients = manager.create(g, new Shape(2, 3, 4));
                Autograd.zeroGradients(parameters.values());
                Autograd.recording(() -> {
                    Autograd.backward(p.mul(coefficients).sum(), false);
                    return null;
                });
                Autograd.noGrad(() -> {
                    adam.step(parameters, lr);
                    return null;
                });
                for (int i = 0; i < theta.length; i++) {
                    double gi = g[i];
                    if (decoupled) {
                        theta[i] *= 1 - lr * weightDecay;
                    } else {
                        gi += weightDecay * theta[i];
                    }
                    m[i] = beta1 * m[i] + (1 - beta1) * gi;
                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                    double denominator = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(beta2, t)) + eps;
                    theta[i] -= lr / (1 - Math.pow(beta1, t)) * m[i] / denominator;
                }
                assertClose(theta, p, "parameter after step " + t);
                assertClose(m, adam.moments().get("w")[0], "first moment after step " + t);
                assertClose(v, adam.moments().get("w")[1], "second moment after step " + t);
                assertEquals(DataType.FLOAT64, p.getDataType());
            }
        }
    }

    private static void assertClose(double[] expected, NDArray actual, String what) {
        double[] values = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], values[i], 1e-7 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }
}
