package e2kd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Test resources and hand-made torch.save-style zips. */
public final class Fixtures {
    private Fixtures() {}

    /** A file under src/test/resources, e.g. {@code torch-fixtures/views.pth}. */
    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    /** Writes a zip like torch.save's: {@code <archive>/data.pkl}, the given records, {@code <archive>/version}. */
    static void torchZip(Path file, byte[] pickle, Map<String, byte[]> records) throws IOException {
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        entries.add(Map.entry("archive/data.pkl", pickle));
        records.forEach((k, v) -> entries.add(Map.entry("archive/" + k, v)));
        entries.add(Map.entry("archive/version", "3\n".getBytes()));
        Files.write(file, storedZip(entries));
    }

    /** A zip of STORED entries in the given order. */
    static byte[] storedZip(List<Map.Entry<String, byte[]>> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries) {
                ZipEntry z = new ZipEntry(e.getKey());
                z.setMethod(ZipEntry.STORED);
                z.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                z.setCrc(crc.getValue());
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The entries of a zip, in order (for rebuilding one with a changed entry). */
    static List<Map.Entry<String, byte[]>> entries(Path zipFile) throws IOException {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(zipFile.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                out.add(Map.entry(e.getName(), zip.getInputStream(e).readAllBytes()));
            }
        }
        return out;
    }

    /** Asserts equal keys in the same order and bit-identical tensors. */
    public static void assertSameStateDict(StateDict expected, StateDict actual) {
        assertEquals(List.copyOf(expected.keys()), List.copyOf(actual.keys()));
        for (String key : expected.keys()) {
            TensorData e = expected.get(key);
            TensorData a = actual.get(key);
            assertEquals(e.dtype(), a.dtype(), key);
            assertArrayEquals(e.shape(), a.shape(), key);
            assertEquals(e, a, key);
        }
    }
}
