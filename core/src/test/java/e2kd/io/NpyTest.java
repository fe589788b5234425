package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryNumpyDtype() {
        for (var e : PthWriterTest.sample()) {
            if (e.getValue().dtype() == DType.BFLOAT16) {
                continue;
            }
            Path file = dir.resolve(e.getValue().dtype() + ".npy");
            NpyWriter.write(e.getValue(), file);
            assertEquals(e.getValue(), NpyReader.read(file), e.getKey());
        }
    }

    @Test
    void writesNumpysHeaderLayout() throws IOException {
        Path file = dir.resolve("a.npy");
        NpyWriter.write(TensorData.ofDoubles(new long[] {3}, new double[] {1, 2, 3}), file);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(128 + 24, bytes.length); // header padded to 128 bytes as numpy does, then 3 doubles
        String header = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith(" \n"));
    }

    @Test
    void readsNumpyWrittenFile() {
        TensorData x = NpyReader.read(Fixtures.resource("authors-bcos/x.npy"));
        assertEquals(DType.FLOAT64, x.dtype());
        assertArrayEquals(new long[] {4, 6, 24, 24}, x.shape());
    }

    @Test
    void readsDeflatedNpzInOrder() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        NpyWriter.write(TensorData.ofDoubles(new long[] {2}, new double[] {1, 2}), a);
        NpyWriter.write(TensorData.ofLongs(new long[] {1, 1}, new long[] {3}), b);
        Path npz = dir.resolve("x.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(npz))) {
            for (Path p : List.of(b, a)) {
                zip.putNextEntry(new ZipEntry(p.getFileName().toString()));
                zip.write(Files.readAllBytes(p));
            }
        }
        StateDict sd = NpzReader.read(npz);
        assertEquals(List.of("b", "a"), List.copyOf(sd.keys()));
        assertEquals(NpyReader.read(a), sd.get("a"));
        assertEquals(NpyReader.read(b), sd.get("b"));
    }

    @Test
    void refusesBfloat16() {
        Path file = dir.resolve("b.npy");
        TensorData t = PthWriterTest.raw(DType.BFLOAT16, new long[] {1}, 0x3f80);
        E2kdIoException e = assertThrows(E2kdIoException.class, () -> NpyWriter.write(t, file));
        assertTrue(e.getMessage().startsWith(file.toString()));
    }

    @Test
    void refusesBadFiles() throws IOException {
        String good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        assertRefused(npy(good, 7), "data bytes follow");
        assertRefused(npy(good.replace("<f4", ">f4"), 8), "unsupported .npy dtype '>f4'");
        assertRefused(npy(good.replace("False", "True"), 8), "Fortran");
        assertRefused(npy(good.replace("(2,)", "(99999999, 99999999)"), 8), "data bytes follow");
        assertRefused(npy(good.replace("(2,)", "(9999999999999999999,)"), 8), "shape");
        assertRefused(npy("{}", 8), "lacks a valid 'descr'");
        assertRefused(new byte[] {1, 2, 3}, "not a .npy file");
    }

    private void assertRefused(byte[] content, String problem) throws IOException {
        Path file = dir.resolve("bad.npy");
        Files.write(file, content);
        E2kdIoException e = assertThrows(E2kdIoException.class, () -> NpyReader.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") && e.getMessage().contains(problem), e.getMessage());
    }

    private static byte[] npy(String header, int dataBytes) {
        byte[] h = (header + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + h.length + dataBytes];
        System.arraycopy(NpyWriter.MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[8] = (byte) h.length;
        out[9] = (byte) (h.length >>> 8);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }
}
