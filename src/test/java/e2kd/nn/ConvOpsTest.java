package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

/** The transposed convolution equals autograd's input-gradient of the forward convolution (float64). */
class ConvOpsTest {
    @ParameterizedTest
    @CsvSource({"3,1,1,1,12", "3,2,1,1,12", "3,2,1,1,11", "1,2,0,1,12", "7,2,3,1,13", "3,2,1,4,10", "1,1,0,1,9"})
    void transposeIsTheAdjoint(int k, int stride, int pad, int groups, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 4, size, size)).toType(DataType.FLOAT64, false);
            NDArray w = m.randomNormal(new Shape(8, 4 / groups, k, k)).toType(DataType.FLOAT64, false);
            x.setRequiresGradient(true);
            NDArray y = Autograd.recording(() -> ConvOps.conv(x, w, stride, pad, groups));
            NDArray g = m.randomNormal(y.getShape()).toType(DataType.FLOAT64, false);
            Autograd.recording(() -> {
                Autograd.backward(y.mul(g).sum(), false);
                return null;
            });
            NDArray expected = x.getGradient();
            NDArray actual = ConvOps.convTranspose(g, w, stride, pad, groups, size, size);
            Close.absolute(actual, expected, 1e-10, "conv transpose k=" + k + " s=" + stride + " groups=" + groups);
        }
    }
}
