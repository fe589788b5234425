package e2kd.nn.layers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.ConvOps;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A frozen batch norm in eval mode after a channels-last convolution whose output outnumbers its weight runs folded
 * into it; in float64 the result equals the norm's formula, γ·(conv(x) − μ)/√(σ² + ε) + β, computed here
 * elementwise, to 1e-12, and follows new running statistics (a training-mode pass) and reloaded weights.
 */
class BatchNorm2dTest {
    @Test
    void frozenNormInEvalModeFoldsIntoTheConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d conv = new Conv2d(m, 5, 6, 3, 2, 1);
            conv.useChannelsLast();
            BatchNorm2d norm = new BatchNorm2d(m, 6);
            norm.loadStateDict(statistics(m, 1));
            conv.toFloatType(DataType.FLOAT64);
            norm.toFloatType(DataType.FLOAT64);
            NDArray x = m.randomNormal(new Shape(2, 5, 11, 11)).toType(DataType.FLOAT64, false);

            norm.setTraining(false);
            assertFalse(norm.foldsInto(conv, x), "trainable");
            Close.absolute(Autograd.noGrad(() -> norm.ofConv(conv, x)), byFormula(conv, norm, x), 1e-12, "unfolded");

            conv.setTrainable(false);
            norm.setTrainable(false);
            assertTrue(norm.foldsInto(conv, x));
            Close.absolute(Autograd.noGrad(() -> norm.ofConv(conv, x)), byFormula(conv, norm, x), 1e-12, "folded");

            norm.setTraining(true);
            assertFalse(norm.foldsInto(conv, x), "training mode");
            Autograd.noGrad(() -> norm.ofConv(conv, x.mul(3))); // moves the running statistics
            norm.setTraining(false);
            Close.absolute(
                    Autograd.noGrad(() -> norm.ofConv(conv, x)),
                    byFormula(conv, norm, x),
                    1e-12,
                    "after a training-mode pass");

            norm.loadStateDict(statistics(m, 2));
            Close.absolute(
                    Autograd.noGrad(() -> norm.ofConv(conv, x)), byFormula(conv, norm, x), 1e-12, "after a reload");

            Conv2d contiguous = new Conv2d(m, 5, 6, 3, 2, 1);
            contiguous.setTrainable(false);
            assertFalse(norm.foldsInto(contiguous, x), "a convolution off libtorch's channels-last kernels");
            NDArray small = x.get(":1, :, :3, :3");
            assertFalse(norm.foldsInto(conv, small), "an output (24 values) smaller than the weight (270)");
            Close.absolute(
                    Autograd.noGrad(() -> norm.ofConv(conv, small)),
                    byFormula(conv, norm, small),
                    1e-12,
                    "unfolded, small output");
        }
    }

    private static Map<String, NDArray> statistics(NDManager m, int seed) {
        NDArray u = m.randomUniform(0.5f, 2f, new Shape(4, 6))
                .toType(DataType.FLOAT64, false)
                .mul(seed);
        return Map.of(
                "weight", u.get(0),
                "bias", u.get(1).sub(1),
                "running_mean", u.get(2).sub(1.5),
                "running_var", u.get(3),
                "num_batches_tracked", m.create(0L));
    }

    private static NDArray byFormula(Conv2d conv, BatchNorm2d norm, NDArray x) {
        Map<String, NDArray> s = norm.stateDict();
        NDArray y = ConvOps.libtorchConv(x, conv.weight(), conv.stride, conv.padding, 1);
        return Autograd.noGrad(() -> y.sub(s.get("running_mean").reshape(1, -1, 1, 1))
                .div(s.get("running_var").add(1e-5).sqrt().reshape(1, -1, 1, 1))
                .mul(s.get("weight").reshape(1, -1, 1, 1))
                .add(s.get("bias").reshape(1, -1, 1, 1)));
    }
}
