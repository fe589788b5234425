package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorDataTest {
    @Test
    void halfToFloatIsExact() {
        assertEquals(1f, TensorData.halfToFloat((short) 0x3c00));
        assertEquals(-2f, TensorData.halfToFloat((short) 0xc000));
        assertEquals(65504f, TensorData.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, TensorData.halfToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(0x1p-14f - 0x1p-24f, TensorData.halfToFloat((short) 0x03ff)); // largest subnormal
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(TensorData.halfToFloat((short) 0x8000)));
        assertEquals(Float.NEGATIVE_INFINITY, TensorData.halfToFloat((short) 0xfc00));
        assertEquals(Float.NaN, TensorData.halfToFloat((short) 0x7e00));
    }

    @Test
    void convertsEveryDtype() {
        StateDict sd = PthWriterTest.sample();
        assertArrayEquals(
                new float[] {1, -2, Float.POSITIVE_INFINITY}, sd.get("half").toFloatArray());
        assertArrayEquals(new double[] {1, 0x1p-133}, sd.get("bf16").toDoubleArray());
        assertArrayEquals(new long[] {0, 255}, sd.get("u8").toLongArray());
        assertArrayEquals(new long[] {-128, 127}, sd.get("i8").toLongArray());
        assertArrayEquals(new double[] {1, 0, 1}, sd.get("mask").toDoubleArray());
        assertArrayEquals(new double[] {-5, 1 << 30}, sd.get("i32").toDoubleArray());
        assertArrayEquals(
                new long[] {Long.MIN_VALUE}, sd.get("bn.num_batches_tracked").toLongArray());
        assertThrows(IllegalStateException.class, () -> sd.get("half").toLongArray());
    }

    @Test
    void isImmutableAndComparedByContent() {
        float[] values = {1, 2, 3, 4};
        long[] shape = {2, 2};
        TensorData t = TensorData.ofFloats(shape, values);
        values[0] = 9;
        shape[0] = 7;
        t.shape()[1] = 5;
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertEquals(1f, t.toFloatArray()[0]);
        assertThrows(ReadOnlyBufferException.class, () -> t.data().put(0, (byte) 1));
        assertEquals(TensorData.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3, 4}), t);
        assertNotEquals(TensorData.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4}), t);
        ByteBuffer source = ByteBuffer.allocate(4);
        TensorData copy = TensorData.of(DType.INT8, new long[] {4}, source);
        source.put(0, (byte) 3);
        assertEquals(0, copy.data().get(0));
    }

    @Test
    void rejectsInconsistentShape() {
        assertThrows(IllegalArgumentException.class, () -> TensorData.ofDoubles(new long[] {3}, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> TensorData.ofDoubles(new long[] {-1}, new double[0]));
    }

    @Test
    void stateDictStripsPrefixInOrder() {
        TensorData a = TensorData.ofLongs(new long[0], new long[] {1});
        StateDict sd = new StateDict().put("module.b", a).put("module.a", a).put("c", a);
        assertEquals(
                List.of("b", "a", "c"), List.copyOf(sd.stripPrefix("module.").keys()));
        StateDict clash = new StateDict().put("module.a", a).put("a", a);
        assertThrows(IllegalArgumentException.class, () -> clash.stripPrefix("module."));
        assertNotEquals(
                new StateDict().put("x", a).put("y", a),
                new StateDict().put("y", a).put("x", a));
    }
}
