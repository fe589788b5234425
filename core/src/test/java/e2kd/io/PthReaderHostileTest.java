package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made files that must be refused with a one-line {@link E2kdIoException} naming the file, or read safely. */
class PthReaderHostileTest {
    @TempDir
    Path dir;

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else if (p instanceof byte[] b) {
                out.writeBytes(b);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    /** BINUNICODE. */
    private static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return bytes("X", b.length, 0, 0, 0, b);
    }

    /** {'w': _rebuild_tensor_v2(('storage', torch.FloatStorage, '0', 'cpu', numel), offset, size, stride, ...)}. */
    private static byte[] tensorPickle(String storageClass, long numel, long offset, long[] size, long[] stride) {
        PickleWriter p = new PickleWriter();
        p.op('}')
                .mark()
                .string("w")
                .global("torch._utils", "_rebuild_tensor_v2")
                .mark();
        p.mark()
                .string("storage")
                .global("torch", storageClass)
                .string("0")
                .string("cpu")
                .integer(numel)
                .op('t')
                .op('Q');
        p.integer(offset).intTuple(size).intTuple(stride).op((char) 0x89);
        p.global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        return p.op('u').finish();
    }

    private Path torchFile(byte[] pickle, Map<String, byte[]> records) throws IOException {
        Path file = dir.resolve("hostile.pth");
        Fixtures.torchZip(file, pickle, records);
        return file;
    }

    private void assertRefused(Path file, String problem) {
        E2kdIoException e = assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThrows(E2kdIoException.class, () -> PthReader.read(file)));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    private void assertPickleRefused(byte[] pickle, String problem) throws IOException {
        assertRefused(torchFile(pickle, Map.of()), problem);
    }

    @Test
    void refusesGlobalsOutsideTheAllowList() throws IOException {
        assertPickleRefused(
                bytes(0x80, 2, "cbuiltins\neval\n", "X", new byte[] {1, 0, 0, 0}, "1", 0x85, "R."),
                "global 'builtins.eval' is not allowed");
        assertPickleRefused(
                bytes(0x80, 4, 0x8c, 8, "__main__", 0x8c, 3, "Foo", 0x93, ")", 0x81, "."),
                "global '__main__.Foo' is not allowed");
        assertPickleRefused(
                bytes(0x80, 2, "ctorch._utils\n_rebuild_tensor\n."),
                "global 'torch._utils._rebuild_tensor' is not allowed");
        assertPickleRefused(bytes(0x80, 2, "cos\nsys\ttem\n."), "global 'os.sys\\x09tem'");
    }

    @Test
    void refusesOpcodesThatCouldInstantiateOrAreUnknown() throws IOException {
        assertPickleRefused(bytes(0x80, 2, "(o."), "unsupported pickle opcode 0x6f"); // OBJ
        assertPickleRefused(bytes(0x80, 2, "(ios\nsystem\n."), "unsupported pickle opcode 0x69"); // INST
        assertPickleRefused(bytes(0x80, 2, "S'ls'\n."), "unsupported pickle opcode 0x53"); // STRING
        assertPickleRefused(bytes(0x80, 6, "."), "unsupported pickle protocol 6");
    }

    @Test
    void refusesMisusedAllowedGlobals() throws IOException {
        assertPickleRefused(
                bytes(0x80, 2, "ccollections\nOrderedDict\nK", 1, 0x85, "R."), "OrderedDict called with 1 arguments");
        assertPickleRefused(bytes(0x80, 2, "ctorch\nFloatStorage\n)R."), "REDUCE calls a class torch.FloatStorage");
        assertPickleRefused(bytes(0x80, 2, "]K", 1, "b."), "BUILD on a list");
        assertPickleRefused(bytes(0x80, 2, "(", str("storage"), "K", 1, "tQ."), "persistent id is not");
    }

    @Test
    void checksEveryDeclaredLength() throws IOException {
        assertPickleRefused(bytes(0x80, 2, "X", new byte[] {-1, -1, -1, 0x7f}, "abc."), "declares 2147483647 bytes");
        assertPickleRefused(
                bytes(0x80, 4, 0x8d, new byte[] {0, 0, 0, 0, 0, 0, 0, 0x40}, "."),
                "declares 4611686018427387904 bytes");
        assertPickleRefused(
                bytes(0x80, 4, 0x95, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0x80}, "."),
                "frame of 9223372036854775808 bytes");
        assertPickleRefused(bytes(0x80, 2, 0x8a, 9, new byte[9], "."), "LONG1 integer of 9 bytes");
        assertPickleRefused(bytes(0x80, 2, "}"), "pickle ends without STOP");
        assertPickleRefused(bytes(0x80, 2, "h", 5, "."), "memo index 5 was never stored");
        assertPickleRefused(bytes(0x80, 2, "t."), "no MARK");
    }

    @Test
    void checksStorageSizesAndViewBounds() throws IOException {
        byte[] eight = new byte[8];
        assertRefused(
                torchFile(
                        tensorPickle("FloatStorage", 1L << 40, 0, new long[] {1}, new long[] {1}),
                        Map.of("data/0", eight)),
                "storage '0' declares 4398046511104 bytes but its record");
        assertRefused(
                torchFile(
                        tensorPickle("DoubleStorage", 1L << 62, 0, new long[] {1}, new long[] {1}),
                        Map.of("data/0", eight)),
                "more than any file holds");
        assertRefused(
                torchFile(tensorPickle("FloatStorage", 2, 1, new long[] {2}, new long[] {1}), Map.of("data/0", eight)),
                "reaches beyond its storage");
        assertRefused(
                torchFile(
                        tensorPickle("FloatStorage", 2, 0, new long[] {2, 2}, new long[] {1, Long.MAX_VALUE}),
                        Map.of("data/0", eight)),
                "overflows");
        assertRefused(
                torchFile(
                        tensorPickle("FloatStorage", 2, 0, new long[] {1 << 20, 1 << 20}, new long[] {0, 0}),
                        Map.of("data/0", eight)),
                "would expand to");
        assertRefused(
                torchFile(tensorPickle("FloatStorage", 2, 0, new long[] {2}, new long[] {1}), Map.of()),
                "missing zip entry 'archive/data/0'");
    }

    @Test
    void readsStrideZeroAndReversedDimensionViews() throws IOException {
        byte[] data = {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}; // 1f, 2f
        StateDict sd = PthReader.read(torchFile(
                tensorPickle("FloatStorage", 2, 0, new long[] {3, 2}, new long[] {0, 1}), Map.of("data/0", data)));
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, sd.get("w").toFloatArray());
        sd = PthReader.read(torchFile(
                tensorPickle("FloatStorage", 2, 0, new long[] {2, 3}, new long[] {1, 0}), Map.of("data/0", data)));
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, sd.get("w").toFloatArray());
    }

    @Test
    void survivesDeepNestingAndRefusesHugeStacks() throws IOException {
        int depth = 200_000;
        byte[] nested = bytes(0x80, 2, "]".repeat(depth), "a".repeat(depth - 1), ".");
        assertPickleRefused(nested, "saved object has type list");
        assertPickleRefused(bytes(0x80, 2, "(".repeat(SafeUnpickler.MAX_STACK + 1), "."), "stack grows beyond");
        assertPickleRefused(bytes(0x80, 2, "](a."), "stack underflow");
        assertPickleRefused(bytes(0x80, 2, "]", "]a".repeat(SafeUnpickler.MAX_OBJECTS), "."), "more than");
    }

    @Test
    void refusesWrongContainers() throws IOException {
        Path empty = Files.write(dir.resolve("empty.pth"), new byte[0]);
        assertRefused(empty, "not a torch.save file");
        Path tar = Files.write(dir.resolve("old.tar.pth"), bytes(new byte[257], "ustar", new byte[300]));
        assertRefused(tar, TorchArchive.LEGACY);
        assertRefused(dir.resolve("missing.pth"), "cannot read");
        Path text = Files.writeString(dir.resolve("text.pth"), "PK\u0003\u0004 but not really a zip");
        assertRefused(text, "not a valid zip archive");
        PthWriter.write(new StateDict(), dir.resolve("ok.pth"));
        List<Map.Entry<String, byte[]>> entries = Fixtures.entries(dir.resolve("ok.pth"));
        Path bigEndian = dir.resolve("big.pth");
        Files.write(
                bigEndian,
                Fixtures.storedZip(entries.stream()
                        .map(e -> e.getKey().endsWith("byteorder") ? Map.entry(e.getKey(), "big".getBytes()) : e)
                        .toList()));
        assertRefused(bigEndian, "byteorder record is 'big'");
        Path noVersion = dir.resolve("noversion.pth");
        Files.write(
                noVersion,
                Fixtures.storedZip(entries.stream()
                        .filter(e -> !e.getKey().endsWith("version"))
                        .toList()));
        assertRefused(noVersion, "missing zip entry 'archive/version'");
        Path flat = dir.resolve("flat.pth");
        Files.write(flat, Fixtures.storedZip(List.of(Map.entry("data.pkl", bytes(0x80, 2, "}.")))));
        assertRefused(flat, "not inside an archive folder");
    }

    @Test
    void refusesNonDictTopLevelAndPicksNestedStateDict() throws IOException {
        assertPickleRefused(bytes(0x80, 2, "K", 3, "."), "saved object has type int, expected a dict");
        Path ok = torchFile(
                bytes(0x80, 2, "}(", str("epoch"), "K", 3, str("state_dict"), "}(", str("module.a"), "K", 1, "uu."),
                Map.of());
        assertEquals(0, PthReader.read(ok).size());
    }
}
