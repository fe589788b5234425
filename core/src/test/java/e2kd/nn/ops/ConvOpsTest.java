package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transposed convolution equals autograd's input-gradient of the forward convolution (float64). */
class ConvOpsTest {
    /** Autograd's ∂⟨conv(x, w), g⟩/∂x. */
    private static NDArray inputGradient(
            NDManager m, int in, int size, NDArray w, NDArray g, int stride, int pad, int groups) {
        NDArray x = m.zeros(new Shape(g.getShape().get(0), in, size, size), DataType.FLOAT64);
        x.setRequiresGradient(true);
        Autograd.recording(() -> {
            Autograd.backward(
                    ConvOps.libtorchConv(x, w, stride, pad, groups).mul(g).sum(), false);
            return null;
        });
        return x.getGradient();
    }

    private static NDArray normal(NDManager m, long... shape) {
        return m.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    @ParameterizedTest
    @CsvSource({
        "3,1,1,1,12",
        "3,2,1,1,12",
        "3,2,1,1,11",
        "1,2,0,1,12",
        "7,2,3,1,13",
        "7,2,3,1,64",
        "3,2,1,4,10",
        "1,1,0,1,9",
        "3,2,1,8,9",
        "3,3,1,1,13",
        "5,2,2,1,7",
        "3,2,0,1,9",
        "7,2,3,1,8"
    })
    void transposeIsTheAdjoint(int k, int stride, int pad, int groups, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = normal(m, 8, 8 / groups, k, k);
            long out = (size + 2L * pad - k) / stride + 1;
            NDArray g = normal(m, 2, 8, out, out);
            NDArray expected = inputGradient(m, 8, size, w, g, stride, pad, groups);
            NDArray actual = ConvOps.convTranspose(g, w, stride, pad, groups, size, size);
            Close.absolute(
                    actual,
                    expected,
                    1e-10,
                    "conv transpose k=" + k + " s=" + stride + " groups=" + groups + " size=" + size);
        }
    }

    /** Kernel larger than the data (deep layers at small sizes): the data-flipping form, then the kernel-flipping one. */
    @ParameterizedTest
    @CsvSource({"3,1,1,3", "3,1,1,2", "3,4,1,4", "5,1,2,3", "3,1,0,4", "3,1,1,1"})
    void bothStrideOneFormsAreTheAdjoint(int k, int groups, int pad, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = normal(m, 32, 16 / groups, k, k);
            long out = size + 2L * pad - k + 1;
            NDArray g = normal(m, 2, 32, out, out);
            NDArray expected = inputGradient(m, 16, size, w, g, 1, pad, groups);
            Close.absolute(ConvOps.convTransposeFlippingData(g, w, pad, groups), expected, 1e-10, "flipping data");
            Close.absolute(
                    ConvOps.SubPixelKernel.of(w, 1, pad, groups, m).apply(g, size, size),
                    expected,
                    1e-10,
                    "flipping the kernel");
            Close.absolute(ConvOps.convTranspose(g, w, 1, pad, groups, size, size), expected, 1e-10, "chosen form");
        }
    }

    /**
     * Training differentiates through the transpose: ∂⟨convᵀ(g, w), v⟩ w.r.t. g and w must equal autograd's
     * gradients of the same number written as ⟨g, conv(v, w)⟩.
     */
    @ParameterizedTest
    @CsvSource({"7,2,3,1,12", "3,2,1,1,9", "1,2,0,1,8", "3,1,1,1,3", "3,1,1,1,10", "3,2,1,4,8"})
    void gradientsThroughTheTransposeMatchTheForwardConv(int k, int stride, int pad, int groups, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            long out = (size + 2L * pad - k) / stride + 1;
            NDArray v = normal(m, 2, 16, size, size);
            NDArray[] viaTranspose = gradients(
                    m,
                    k,
                    groups,
                    out,
                    (g, w) -> ConvOps.convTranspose(g, w, stride, pad, groups, size, size)
                            .mul(v)
                            .sum());
            NDArray[] viaConv = gradients(
                    m,
                    k,
                    groups,
                    out,
                    (g, w) -> ConvOps.libtorchConv(v, w, stride, pad, groups)
                            .mul(g)
                            .sum());
            Close.absolute(viaTranspose[0], viaConv[0], 1e-10, "gradient w.r.t. g");
            Close.absolute(viaTranspose[1], viaConv[1], 1e-10, "gradient w.r.t. w");
        }
    }

    /** Gradients of f(g, w) at fixed seeded g (2, 32, out, out) and w (32, 16/groups, k, k). */
    private static NDArray[] gradients(
            NDManager m, int k, int groups, long out, java.util.function.BiFunction<NDArray, NDArray, NDArray> f) {
        m.getEngine().setRandomSeed(7);
        NDArray g = normal(m, 2, 32, out, out);
        NDArray w = normal(m, 32, 16 / groups, k, k);
        g.setRequiresGradient(true);
        w.setRequiresGradient(true);
        Autograd.recording(() -> {
            Autograd.backward(f.apply(g, w), false);
            return null;
        });
        return new NDArray[] {g.getGradient(), w.getGradient()};
    }

    /**
     * The kept sub-pixel kernel is row-major at every stride: libtorch's conv2d copies a non-contiguous weight on
     * every call, which is what keeping the kernel for a frozen teacher is meant to avoid.
     */
    @ParameterizedTest
    @CsvSource({"3,1,1,1", "3,1,1,4", "3,2,1,1", "7,2,3,1", "1,2,0,1"})
    void keptKernelIsContiguous(int k, int stride, int pad, int groups) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = normal(m, 8, 8 / groups, k, k);
            NDArray kernel =
                    ConvOps.SubPixelKernel.of(w, stride, pad, groups, m).kernel();
            org.junit.jupiter.api.Assertions.assertTrue(
                    Layouts.isContiguous(kernel), "kernel k=" + k + " s=" + stride + " groups=" + groups);
        }
    }

    @Test
    void contiguousCopiesOnlyViewsWithOtherStrides() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = normal(m, 4, 3, 2, 5);
            NDArray swapped = a.transpose(1, 0, 2, 3);
            org.junit.jupiter.api.Assertions.assertFalse(Layouts.isContiguous(swapped));
            NDArray copy = ConvOps.contiguous(swapped);
            org.junit.jupiter.api.Assertions.assertTrue(Layouts.isContiguous(copy));
            Close.absolute(copy, swapped, 0, "values kept");
            NDArray view = ConvOps.contiguous(a);
            a.addi(1);
            Close.absolute(view, a, 0, "a contiguous array is not copied");
        }
    }
}
