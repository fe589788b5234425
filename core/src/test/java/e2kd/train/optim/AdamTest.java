package e2kd.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.ChannelsLast;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Four steps of {@link Adam} in float64 against torch.optim.Adam / AdamW's single-tensor update restated element by
 * element in Java doubles: parameters and both moments, to 1e-12 (a wrong formula is off by far more: ε without its
 * bias correction by 3e-4 at step 1). Also with the parameter stored channels-last (as ImageNet-width convolution
 * weights are) and the optimizer restored after step 2 from contiguous copies of its state, as a checkpoint gives
 * them.
 */
class AdamTest {
    @ParameterizedTest(name = "weight decay {0}, decoupled {1}, channels-last and restored {2}")
    @CsvSource({"0.0, false, false", "0.1, false, false", "0.1, true, false", "0.1, false, true", "0.1, true, true"})
    void stepsEqualPyTorchsUpdate(double weightDecay, boolean decoupled, boolean channelsLastRestored) {
        double lr = 3e-2;
        double beta1 = 0.8;
        double beta2 = 0.95;
        double eps = 1e-3; // large enough that ε's place in the denominator is tested
        Random random = new Random(7);
        double[] theta = random.doubles(24, -1, 1).toArray();
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray created = manager.create(theta.clone(), new Shape(2, 3, 2, 2));
            NDArray p = channelsLastRestored ? ChannelsLast.of(created, manager).duplicate() : created;
            p.setRequiresGradient(true);
            Map<String, NDArray> parameters = new LinkedHashMap<>(Map.of("w", p));
            Adam adam = new Adam(beta1, beta2, eps, weightDecay, decoupled);
            for (int t = 1; t <= 4; t++) {
                double[] g = random.doubles(theta.length, -2, 2).toArray();
                NDArray coefficients = manager.create(g, new Shape(2, 3, 2, 2));
                if (channelsLastRestored && t == 3) {
                    adam = restored(adam, new Adam(beta1, beta2, eps, weightDecay, decoupled), manager);
                }
                Autograd.zeroGradients(parameters.values());
                Autograd.recording(() -> {
                    Autograd.backward(p.mul(coefficients).sum(), false);
                    return null;
                });
                Adam stepping = adam;
                Autograd.noGrad(() -> {
                    stepping.step(parameters, lr);
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

    /** {@code fresh} given {@code adam}'s steps and contiguous copies of its moments, as a checkpoint gives them. */
    private static Adam restored(Adam adam, Adam fresh, NDManager manager) {
        Map<String, NDArray> state = new LinkedHashMap<>();
        adam.state().forEach((key, array) -> state.put(key, manager.create(array.toDoubleArray(), array.getShape())));
        fresh.restoreState(adam.steps(), state);
        return fresh;
    }

    /**
     * A channels-last 1×1 kernel (O, I, 1, 1): strides of its size-1 dimensions are arbitrary, and autograd hands its
     * gradient over with other ones; the kernel walks the same memory, so the step must run and equal the contiguous
     * parameter's.
     */
    @Test
    void channelsLastOneByOneKernelStepsAsTheContiguousOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray contiguous = manager.randomNormal(new Shape(4, 3, 1, 1)).toType(DataType.FLOAT64, false);
            NDArray channelsLast = ChannelsLast.of(contiguous, manager).duplicate();
            NDArray coefficients = manager.randomNormal(new Shape(4, 3, 1, 1)).toType(DataType.FLOAT64, false);
            for (NDArray p : List.of(contiguous, channelsLast)) {
                p.setRequiresGradient(true);
                Map<String, NDArray> parameters = Map.of("w", p);
                Adam adam = new Adam(0.1, false);
                for (int t = 0; t < 2; t++) {
                    Autograd.zeroGradients(parameters.values());
                    Autograd.recording(() -> {
                        Autograd.backward(p.mul(coefficients).sum(), false);
                        return null;
                    });
                    Autograd.noGrad(() -> {
                        adam.step(parameters, 0.1);
                        return null;
                    });
                }
            }
            assertClose(contiguous.toDoubleArray(), channelsLast, "channels-last 1×1 kernel after two steps");
        }
    }

    @Test
    void rejectsMomentsWithOtherStridesThanTheParameter() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = ChannelsLast.of(manager.ones(new Shape(2, 3, 2, 2)), manager)
                    .duplicate();
            NDArray contiguous = manager.zeros(new Shape(2, 3, 2, 2));
            EngineException e = assertThrows(
                    EngineException.class,
                    () -> FusedAdam.step(
                            List.of(p),
                            List.of(p.zerosLike()),
                            List.of(contiguous),
                            List.of(contiguous),
                            1,
                            1e-3,
                            0.9,
                            0.999,
                            0,
                            1e-8));
            assertTrue(
                    e.getMessage().contains("has another shape or other strides than the parameter"), e.getMessage());
        }
    }

    private static void assertClose(double[] expected, NDArray actual, String what) {
        double[] values = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], values[i], 1e-12 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }
}
