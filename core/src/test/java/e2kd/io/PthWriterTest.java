package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthWriterTest {
    @TempDir
    Path dir;

    /** One tensor of every dtype, a scalar, an empty tensor and a non-ASCII key. */
    static StateDict sample() {
        StateDict sd = new StateDict();
        sd.put("conv.weight", TensorData.ofFloats(new long[] {2, 1, 2, 2}, new float[] {
            1, -2, 3.5f, 0, -0f, Float.NaN, Float.POSITIVE_INFINITY, 1e-42f
        }));
        sd.put("fc.bias", TensorData.ofDoubles(new long[] {3}, new double[] {Math.PI, -1e300, 5e-324}));
        sd.put("bn.num_batches_tracked", TensorData.ofLongs(new long[0], new long[] {Long.MIN_VALUE}));
        sd.put("empty", TensorData.ofFloats(new long[] {0, 3}, new float[0]));
        sd.put("größe", TensorData.ofLongs(new long[] {2}, new long[] {1L << 40, -7}));
        sd.put("half", raw(DType.FLOAT16, new long[] {3}, 0x3c00, 0xc000, 0x7c00)); // 1, -2, inf
        sd.put("bf16", raw(DType.BFLOAT16, new long[] {2}, 0x3f80, 0x0001)); // 1, smallest subnormal
        sd.put(
                "i32",
                TensorData.of(
                        DType.INT32,
                        new long[] {2},
                        le(8).putInt(-5).putInt(1 << 30).flip()));
        sd.put("i16", raw(DType.INT16, new long[] {2}, -3, 300));
        sd.put("i8", TensorData.of(DType.INT8, new long[] {2}, ByteBuffer.wrap(new byte[] {-128, 127})));
        sd.put("u8", TensorData.of(DType.UINT8, new long[] {2}, ByteBuffer.wrap(new byte[] {0, (byte) 255})));
        sd.put("mask", TensorData.of(DType.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, 1})));
        return sd;
    }

    static TensorData raw(DType dtype, long[] shape, int... shorts) {
        ByteBuffer b = le(2 * shorts.length);
        for (int s : shorts) {
            b.putShort((short) s);
        }
        return TensorData.of(dtype, shape, b.flip());
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void roundTripsBitForBit() {
        Path file = dir.resolve("sd.pth");
        PthWriter.write(sample(), file);
        Fixtures.assertSameStateDict(sample(), PthReader.read(file));
    }

    @Test
    void rewritesAuthorsFileIdentically() {
        StateDict original = PthReader.read(Fixtures.resource("authors-bcos/student.pth"));
        Path file = dir.resolve("student.pth");
        PthWriter.write(original, file);
        Fixtures.assertSameStateDict(original, PthReader.read(file));
    }

    /** Like PyTorch's writer: all entries STORED, data.pkl first, every entry's data 64-byte aligned. */
    @Test
    void entriesAreStoredAndAligned() throws IOException {
        Path file = dir.resolve("sd.pth");
        PthWriter.write(sample(), file);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] raw = Files.readAllBytes(file);
        List<String> names = new ArrayList<>();
        int pos = 0;
        while (b.getInt(pos) == 0x04034b50) { // local file header
            assertEquals(0, b.getShort(pos + 8), "method STORED");
            int size = b.getInt(pos + 18);
            int nameLength = b.getShort(pos + 26);
            int extraLength = b.getShort(pos + 28);
            names.add(new String(raw, pos + 30, nameLength, java.nio.charset.StandardCharsets.UTF_8));
            int data = pos + 30 + nameLength + extraLength;
            assertEquals(0, data % 64, names.get(names.size() - 1));
            pos = data + size;
        }
        assertEquals("archive/data.pkl", names.get(0));
        assertEquals(List.of("archive/byteorder", "archive/data/0"), names.subList(1, 3));
        assertEquals("archive/version", names.get(names.size() - 1));
        assertEquals(sample().size() + 3, names.size());
    }

    @Test
    void writesDeterministicallyAndAtomically() throws IOException {
        Path file = dir.resolve("sd.pth");
        Files.writeString(file, "old content");
        PthWriter.write(sample(), file);
        byte[] first = Files.readAllBytes(file);
        PthWriter.write(sample(), file);
        assertArrayEquals(first, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void failureNamesTheFile() throws IOException {
        Path notADirectory = dir.resolve("plain");
        Files.writeString(notADirectory, "x");
        Path file = notADirectory.resolve("sd.pth");
        E2kdIoException e = assertThrows(E2kdIoException.class, () -> PthWriter.write(sample(), file));
        assertTrue(e.getMessage().startsWith(file + ": cannot write"), e.getMessage());
    }
}
