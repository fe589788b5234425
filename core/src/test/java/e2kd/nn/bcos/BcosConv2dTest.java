package e2kd.nn.bcos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import e2kd.Close;
import e2kd.nn.Trace;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.ConvOps;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A B-cos convolution on the matrix-product route (≥ 256 output channels on small maps), whose forward, transposed
 * pass and norms share one matrix of the weight, against the definition written with libtorch's conv2d (float64):
 * the output, the transposed pass and the gradients of both with respect to the input and the weight.
 */
class BcosConv2dTest {
    private static NDArray normal(NDManager m, long... shape) {
        return m.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    /**
     * ŵ formed from the matrix (1×1: the kernel is smaller than the output), the output divided by the norms
     * (3×3 stride 2: the norms from the matrix), and a frozen weight (its ŵ kept between calls).
     */
    @ParameterizedTest(name = "in={0} k={1} s={2} p={3} size={4} trained={5}")
    @CsvSource({"8,1,1,0,3,true", "8,3,2,1,5,true", "8,3,2,1,5,false", "8,1,1,0,3,false"})
    void productRouteEqualsTheDefinition(int in, int k, int stride, int padding, int size, boolean trained) {
        try (NDManager m = NDManager.newBaseManager()) {
            BcosConv2d layer = new BcosConv2d(m, in, 256, k, stride, padding);
            layer.toFloatType(DataType.FLOAT64);
            layer.setTrainable(trained);
            NDArray w = layer.parameters().get("linear.weight");
            long out = (size + 2L * padding - k) / stride + 1;
            assertTrue(ConvOps.prefersMatrixProduct(w, stride, 1, out * out), "the case takes the product route");
            NDArray x = normal(m, 2, in, size, size);
            x.setRequiresGradient(true);
            NDArray g = normal(m, 2, 256, out, out);
            NDArray r1 = normal(m, 2, 256, out, out);
            NDArray r2 = normal(m, 2, in, size, size);

            NDArray[] viaLayer = Autograd.recording(() -> {
                Trace trace = new Trace();
                NDArray y = layer.forward(x, trace);
                NDArray t = layer.transpose(g, trace);
                return gradients(y.mul(r1).sum().add(t.mul(r2).sum()), y, t, x, w, trained);
            });
            NDArray[] viaDefinition = Autograd.recording(() -> {
                NDArray unit = w.div(w.norm(new int[] {1, 2, 3}, true));
                NDArray o = ConvOps.libtorchConv(x, unit, stride, padding, 1);
                NDArray squares = x.square().sum(new int[] {1}, true);
                NDArray patchNorm = Pool.avgPool2d(
                                squares,
                                new Shape(k, k),
                                new Shape(stride, stride),
                                new Shape(padding, padding),
                                false,
                                true)
                        .mul(k * k)
                        .add(1e-6)
                        .sqrt();
                NDArray s = o.abs().div(patchNorm);
                NDArray y = s.mul(o);
                // ⟨convᵀ(s ⊙ g, ŵ), r2⟩ = ⟨s ⊙ g, conv(r2, ŵ)⟩: the transposed pass's value against r2 and its
                // gradients.
                NDArray sg = s.mul(g);
                NDArray transposedAgainstR2 = sg.mul(ConvOps.libtorchConv(r2, unit, stride, padding, 1))
                        .sum();
                NDArray t = Autograd.noGrad(() -> {
                    NDArray probe = r2.zerosLike();
                    probe.setRequiresGradient(true);
                    Autograd.recording(() -> {
                        Autograd.backward(
                                ConvOps.libtorchConv(probe, unit.stopGradient(), stride, padding, 1)
                                        .mul(sg.stopGradient())
                                        .sum(),
                                false);
                        return null;
                    });
                    return probe.getGradient().duplicate();
                });
                return gradients(y.mul(r1).sum().add(transposedAgainstR2), y, t, x, w, trained);
            });
            String[] what = {"output", "transposed pass", "input gradient", "weight gradient"};
            for (int i = 0; i < viaDefinition.length; i++) {
                Close.relative(viaLayer[i], viaDefinition[i], 1e-10, what[i] + " k=" + k + " s=" + stride);
            }
        }
    }

    /** y, t and the gradients of {@code loss} with respect to x and (when trained) w, copied out of the graph. */
    private static NDArray[] gradients(NDArray loss, NDArray y, NDArray t, NDArray x, NDArray w, boolean trained) {
        if (trained) {
            Autograd.zeroGradients(List.of(w));
        }
        Autograd.zeroGradients(List.of(x));
        Autograd.backward(loss, false);
        NDArray[] out = {
            y.stopGradient().duplicate(),
            t.stopGradient().duplicate(),
            x.getGradient().duplicate()
        };
        if (!trained) {
            return out;
        }
        return new NDArray[] {out[0], out[1], out[2], w.getGradient().duplicate()};
    }
}
