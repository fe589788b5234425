package e2kd.nn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The gradient of x·3 must stay 3 after the garbage collector runs between forward and backward and the freed
 * native memory is reused. DJL's own {@code mul(Number)} fails this (its scalar lives in a Java buffer that is
 * freed while autograd still holds it); {@link Scalars} passes.
 */
class ScalarsTest {
    private static final int TRIES = 20;

    @Test
    void scalarsKeepTheirValueForTheBackwardPass() throws Exception {
        assertEquals(0, corruptedGradients((x, v) -> Scalars.mul(x, v)));
    }

    /** Canary: if DJL stops freeing the scalar early, this fails and {@link Scalars} can go. */
    @Test
    void djlNumberOverloadLosesItsScalarBeforeBackward() throws Exception {
        assertTrue(
                corruptedGradients(NDArray::mul) > 0, "DJL's mul(Number) survived GC; the workaround may be obsolete");
    }

    private static int corruptedGradients(BiFunction<NDArray, Double, NDArray> times) throws InterruptedException {
        int corrupted = 0;
        try (NDManager base = NDManager.newBaseManager()) {
            for (int i = 0; i < TRIES; i++) {
                try (NDManager step = base.newSubManager()) {
                    NDArray x = step.ones(new Shape(4), DataType.FLOAT64);
                    x.setRequiresGradient(true);
                    NDArray y = Autograd.recording(() -> times.apply(x, 3.0).sum());
                    overwriteFreedNativeMemory();
                    Autograd.backward(y, false);
                    double[] gradient = x.getGradient().toDoubleArray();
                    corrupted += gradient[0] == 3.0 ? 0 : 1;
                }
            }
        }
        return corrupted;
    }

    /** Collects garbage (freeing unreachable direct buffers) and refills small native blocks with 1e30. */
    private static void overwriteFreedNativeMemory() throws InterruptedException {
        System.gc();
        Thread.sleep(5);
        List<ByteBuffer> junk = new ArrayList<>();
        for (int j = 0; j < 2000; j++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
            b.putDouble(0, 1e30);
            junk.add(b);
        }
    }
}
