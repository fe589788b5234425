package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.nn.Trace;
import e2kd.nn.ops.Autograd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The average pool's transpose equals autograd's input-gradient of its forward (float64). */
class AvgPool2dTest {
    @ParameterizedTest
    @CsvSource({"3,2,1,32", "3,2,1,31", "3,2,1,9", "2,2,0,12", "2,2,0,11", "3,1,1,10", "3,2,0,11", "5,3,2,14"})
    void transposeIsTheAdjoint(int k, int stride, int pad, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            AvgPool2d pool = new AvgPool2d(k, stride, pad);
            NDArray x = m.randomNormal(new Shape(2, 3, size, size)).toType(DataType.FLOAT64, false);
            x.setRequiresGradient(true);
            Trace trace = new Trace();
            NDArray y = Autograd.recording(() -> pool.forward(x, trace));
            NDArray g = m.randomNormal(y.getShape()).toType(DataType.FLOAT64, false);
            Autograd.recording(() -> {
                Autograd.backward(y.mul(g).sum(), false);
                return null;
            });
            Close.absolute(
                    pool.transpose(g, trace),
                    x.getGradient(),
                    1e-12,
                    "avg pool transpose k=" + k + " s=" + stride + " p=" + pad + " size=" + size);
        }
    }
}
