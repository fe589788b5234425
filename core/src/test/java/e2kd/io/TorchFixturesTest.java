package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files made by scripts/make_pth_fixtures.py with PyTorch 1.13, against the expected arrays saved beside them. */
class TorchFixturesTest {
    private static Path fixture(String name) {
        return Fixtures.resource("torch-fixtures/" + name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"dtypes", "views", "module_state_dict", "protocol4", "checkpoint", "model_key", "parameter"})
    void loadsAsExpected(String name) {
        StateDict actual = PthReader.read(fixture(name + ".pth"));
        StateDict expected = NpzReader.read(fixture(name + ".npz"));
        assertEquals(List.copyOf(expected.keys()), List.copyOf(actual.keys()));
        for (String key : expected.keys()) {
            TensorData e = expected.get(key);
            TensorData a = actual.get(key);
            assertArrayEquals(e.shape(), a.shape(), key);
            if (a.dtype() == DType.BFLOAT16) { // numpy has no bfloat16: expected as float32
                assertEquals(DType.FLOAT32, e.dtype(), key);
                assertArrayEquals(e.toFloatArray(), a.toFloatArray(), key);
            } else {
                assertEquals(e, a, key);
            }
        }
    }

    @Test
    void everyDtypeIsRecognised() {
        StateDict sd = PthReader.read(fixture("dtypes.pth"));
        Map<String, DType> expected = Map.ofEntries(
                Map.entry("f32", DType.FLOAT32),
                Map.entry("f64", DType.FLOAT64),
                Map.entry("f16", DType.FLOAT16),
                Map.entry("bf16", DType.BFLOAT16),
                Map.entry("i64", DType.INT64),
                Map.entry("i32", DType.INT32),
                Map.entry("i16", DType.INT16),
                Map.entry("i8", DType.INT8),
                Map.entry("u8", DType.UINT8),
                Map.entry("flag", DType.BOOL),
                Map.entry("scalar", DType.FLOAT32),
                Map.entry("empty", DType.FLOAT32));
        expected.forEach((k, d) -> assertEquals(d, sd.get(k).dtype(), k));
        assertEquals(0, sd.get("scalar").rank());
        assertArrayEquals(new long[] {0, 4}, sd.get("empty").shape());
    }

    /** float16/bfloat16 (with subnormals, infinities, NaN), ints and bool widen to float as torch's .float() does. */
    @Test
    void widensToFloatLikeTorch() {
        StateDict sd = PthReader.read(fixture("dtypes.pth"));
        StateDict asFloat = NpzReader.read(fixture("dtypes_float32.npz"));
        for (String key : sd.keys()) {
            float[] expected = asFloat.get(key).toFloatArray();
            float[] actual = sd.get(key).toFloatArray();
            assertEquals(expected.length, actual.length, key);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]), key + "[" + i + "]");
            }
        }
    }

    @Test
    void checkpointDropsNonTensorsAndDataParallelPrefix() {
        StateDict sd = PthReader.read(fixture("checkpoint.pth"));
        assertTrue(
                sd.contains("0.weight") && sd.contains("1.num_batches_tracked"),
                sd.keys().toString());
        assertTrue(sd.keys().stream().noneMatch(k -> k.startsWith("module.")));
        assertEquals(DType.INT64, sd.get("1.num_batches_tracked").dtype());
    }

    @Test
    void refusesOsSystemWithoutRunningIt() {
        Path file = fixture("malicious_os_system.pth");
        E2kdIoException e = assertThrows(E2kdIoException.class, () -> PthReader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'os.system' is not allowed"), e.getMessage());
    }

    @Test
    void refusesLegacyFormatByName() {
        Path file = fixture("legacy.pth");
        E2kdIoException e = assertThrows(E2kdIoException.class, () -> PthReader.read(file));
        assertEquals(file + ": " + TorchArchive.LEGACY, e.getMessage());
    }
}
