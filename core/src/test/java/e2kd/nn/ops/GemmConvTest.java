package e2kd.nn.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The matrix-product convolution and its transpose against libtorch's conv2d and autograd (float64). */
class GemmConvTest {
    private static NDArray normal(NDManager m, long... shape) {
        return m.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    /**
     * conv equals libtorch's conv2d; the transpose equals autograd's input gradient of libtorch's conv2d. With 64
     * output channels on maps of at most 4×4 the taps are gathered by the tap-matrix product, else by slices.
     */
    @ParameterizedTest(name = "k={0} s={1} p={2} size={3} out={4}")
    @CsvSource({
        "3,1,1,2,4", "3,1,1,5,4", "3,2,1,4,4", "3,2,1,7,4", "1,2,0,7,4", "1,1,0,3,4", "7,2,3,9,4", "3,3,1,8,4",
        "3,2,0,6,4", "5,2,2,5,4", "3,1,1,2,64", "3,1,1,4,64", "3,2,1,4,64", "3,2,0,3,64", "1,2,0,4,64", "1,1,0,2,64",
        "5,2,2,3,64", "3,3,1,4,64"
    })
    void convAndTransposeEqualLibtorch(int k, int stride, int pad, int size, int out) {
        try (NDManager m = NDManager.newBaseManager()) {
            String what = " k=" + k + " s=" + stride + " p=" + pad + " size=" + size + " out=" + out;
            NDArray w = normal(m, out, 5, k, k);
            NDArray x = normal(m, 3, 5, size, size);
            Close.absolute(
                    GemmConv.conv(x, w, stride, pad), ConvOps.libtorchConv(x, w, stride, pad, 1), 1e-12, "conv" + what);
            long outSize = (size + 2L * pad - k) / stride + 1;
            NDArray g = normal(m, 3, out, outSize, outSize);
            NDArray v = m.zeros(new Shape(3, 5, size, size), DataType.FLOAT64);
            v.setRequiresGradient(true);
            Autograd.recording(() -> {
                Autograd.backward(
                        ConvOps.libtorchConv(v, w, stride, pad, 1).mul(g).sum(), false);
                return null;
            });
            Close.absolute(
                    GemmConv.convTranspose(g, w, stride, pad, size, size), v.getGradient(), 1e-12, "transpose" + what);
        }
    }

    /** Training differentiates through both forms: their gradients w.r.t. data and weight are libtorch's. */
    @ParameterizedTest(name = "k={0} s={1} p={2} size={3} out={4}")
    @CsvSource({"3,1,1,2,7", "3,2,1,7,7", "1,2,0,4,7", "3,1,1,4,7", "3,1,1,2,64", "3,2,1,4,64", "1,2,0,4,64"})
    void gradientsMatchLibtorch(int k, int stride, int pad, int size, int outChannels) {
        try (NDManager m = NDManager.newBaseManager()) {
            long out = (size + 2L * pad - k) / stride + 1;
            NDArray x = normal(m, 2, 6, size, size);
            NDArray w = normal(m, outChannels, 6, k, k);
            NDArray g = normal(m, 2, outChannels, out, out);
            NDArray v = normal(m, 2, 6, size, size);
            assertGradientsEqual(
                    m,
                    x,
                    w,
                    (a, b) -> GemmConv.conv(a, b, stride, pad).mul(g).sum(),
                    (a, b) -> ConvOps.libtorchConv(a, b, stride, pad, 1).mul(g).sum(),
                    "conv");
            // ⟨convᵀ(g, w), v⟩ = ⟨g, conv(v, w)⟩: the same number, so the same gradients w.r.t. g and w.
            assertGradientsEqual(
                    m,
                    g,
                    w,
                    (a, b) -> GemmConv.convTranspose(a, b, stride, pad, size, size)
                            .mul(v)
                            .sum(),
                    (a, b) -> ConvOps.libtorchConv(v, b, stride, pad, 1).mul(a).sum(),
                    "transpose");
        }
    }

    @Test
    void matrixProductOnlyForWideLayersOnSmallMaps() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(ConvOps.prefersMatrixProduct(m.zeros(new Shape(512, 512, 3, 3)), 1, 1, 4));
            assertTrue(ConvOps.prefersMatrixProduct(m.zeros(new Shape(512, 256, 3, 3)), 2, 1, 49));
            assertTrue(ConvOps.prefersMatrixProduct(m.zeros(new Shape(512, 256, 1, 1)), 2, 1, 4));
            assertFalse(ConvOps.prefersMatrixProduct(m.zeros(new Shape(256, 256, 3, 3)), 1, 1, 16));
            assertFalse(ConvOps.prefersMatrixProduct(m.zeros(new Shape(512, 256, 3, 3)), 2, 1, 64));
            assertFalse(ConvOps.prefersMatrixProduct(m.zeros(new Shape(64, 6, 7, 7)), 2, 1, 16));
            assertFalse(ConvOps.prefersMatrixProduct(m.zeros(new Shape(512, 64, 3, 3)), 2, 8, 4));
            assertFalse(ConvOps.prefersMatrixProduct(m.zeros(new Shape(128, 64, 3, 3)), 2, 1, 4));
        }
    }

    private static void assertGradientsEqual(
            NDManager m,
            NDArray a,
            NDArray b,
            BiFunction<NDArray, NDArray, NDArray> actual,
            BiFunction<NDArray, NDArray, NDArray> expected,
            String what) {
        NDArray[] got = gradients(a, b, actual);
        NDArray[] want = gradients(a, b, expected);
        Close.absolute(got[0], want[0], 1e-12, what + ": gradient w.r.t. the data");
        Close.absolute(got[1], want[1], 1e-12, what + ": gradient w.r.t. the weight");
    }

    private static NDArray[] gradients(NDArray a, NDArray b, BiFunction<NDArray, NDArray, NDArray> f) {
        NDArray da = a.duplicate();
        NDArray db = b.duplicate();
        da.setRequiresGradient(true);
        db.setRequiresGradient(true);
        Autograd.recording(() -> {
            Autograd.backward(f.apply(da, db), false);
            return null;
        });
        return new NDArray[] {da.getGradient().duplicate(), db.getGradient().duplicate()};
    }
}
