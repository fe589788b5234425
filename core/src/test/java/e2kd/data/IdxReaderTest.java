package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private static IdxImages sampleImages() {
        byte[] pixels = new byte[3 * 2 * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 11);
        }
        return new IdxImages(3, 2, 4, pixels);
    }

    private static byte[] header(int... ints) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int v : ints) {
            out.writeInt(v);
        }
        return bytes.toByteArray();
    }

    @Test
    void roundTripGzipAndPlain() {
        IdxImages images = sampleImages();
        byte[] labels = {0, 9, (byte) 200};
        for (String suffix : List.of(".gz", "")) {
            Path imageFile = dir.resolve("images" + suffix);
            Path labelFile = dir.resolve("labels" + suffix);
            IdxWriter.writeImages(imageFile, images);
            IdxWriter.writeLabels(labelFile, labels);
            IdxImages back = IdxReader.readImages(imageFile);
            assertEquals(3, back.count());
            assertEquals(2, back.rows());
            assertEquals(4, back.cols());
            assertArrayEquals(images.pixels(), back.pixels());
            assertArrayEquals(labels, IdxReader.readLabels(labelFile));
        }
    }

    @Test
    void imageExpandsGreyToThreeChannelsInUnitRange() {
        Image img = sampleImages().image(1);
        assertEquals("(3,2,4)", img.shape());
        assertEquals((8 * 11) / 255f, img.get(0, 0, 0));
        assertEquals(img.get(0, 1, 3), img.get(2, 1, 3));
        assertEquals((15 * 11 & 0xFF) / 255f, img.get(1, 1, 3));
    }

    @Test
    void wrongMagicNamesFileAndExpectedValue() throws IOException {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        IdxWriter.writeLabels(file, new byte[] {1, 2});
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> IdxReader.readImages(file));
        assertEquals(
                dir + "/train-images-idx3-ubyte.gz: wrong magic number 2049, expected 2051 (IDX images)",
                e.getMessage());
        Files.write(file, header(1234, 0));
        e = assertThrows(E2kdDataException.class, () -> IdxReader.readLabels(file));
        assertEquals(
                dir + "/train-images-idx3-ubyte.gz: wrong magic number 1234, expected 2049 (IDX labels)",
                e.getMessage());
    }

    @Test
    void truncatedPayloadAndHeader() throws IOException {
        Path file = dir.resolve("t10k-images-idx3-ubyte");
        IdxWriter.writeImages(file, sampleImages());
        byte[] full = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(full, full.length - 5));
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> IdxReader.readImages(file));
        assertEquals(
                dir + "/t10k-images-idx3-ubyte: truncated, header declares 3 images of 2x4 (24 bytes)"
                        + " but only 19 bytes follow",
                e.getMessage());
        Files.write(file, Arrays.copyOf(full, 10));
        e = assertThrows(E2kdDataException.class, () -> IdxReader.readImages(file));
        assertEquals(dir + "/t10k-images-idx3-ubyte: truncated IDX header", e.getMessage());
    }

    @Test
    void truncatedGzipStream() throws IOException {
        Path file = dir.resolve("x.gz");
        IdxWriter.writeImages(file, sampleImages());
        byte[] full = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(full, full.length - 12));
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> IdxReader.readImages(file));
        assertTrue(e.getMessage().startsWith(dir + "/x.gz: truncated"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] data = Arrays.copyOf(header(IdxReader.LABELS_MAGIC, 2), 8 + 3);
        E2kdDataException e =
                assertThrows(E2kdDataException.class, () -> IdxReader.readLabels("l", new ByteArrayInputStream(data)));
        assertEquals("l: unexpected data after the 2 bytes declared for 2 labels", e.getMessage());
    }

    @Test
    void hugeDeclaredCountFailsClearlyWithoutAllocating() throws IOException {
        byte[] beyondArrays = header(IdxReader.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28);
        E2kdDataException e = assertThrows(
                E2kdDataException.class, () -> IdxReader.readImages("big", new ByteArrayInputStream(beyondArrays)));
        assertTrue(e.getMessage().startsWith("big: header declares 2147483647 images of 28x28"), e.getMessage());
    }

    @Test
    void countThatFitsAnArrayButNotTheFileAllocatesOnlyWhatIsThere() throws IOException {
        // 2,000,000 images of 28x28 = 1.57 GB: fits an array, but the file holds 10 bytes.
        Path file = dir.resolve("lying");
        Files.write(file, Arrays.copyOf(header(IdxReader.IMAGES_MAGIC, 2_000_000, 28, 28), 26));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> IdxReader.readImages(file));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(
                dir + "/lying: truncated, header declares 2000000 images of 28x28 (1568000000 bytes)"
                        + " but only 10 bytes follow",
                e.getMessage());
        assertTrue(allocated < 10_000_000, "allocated " + allocated + " bytes");
    }

    @Test
    void badDimensions() throws IOException {
        byte[] negative = header(IdxReader.IMAGES_MAGIC, -1, 28, 28);
        assertEquals(
                "n: negative image count -1",
                assertThrows(
                                E2kdDataException.class,
                                () -> IdxReader.readImages("n", new ByteArrayInputStream(negative)))
                        .getMessage());
        byte[] zeroRows = header(IdxReader.IMAGES_MAGIC, 1, 0, 28);
        assertEquals(
                "z: row count 0, expected > 0",
                assertThrows(
                                E2kdDataException.class,
                                () -> IdxReader.readImages("z", new ByteArrayInputStream(zeroRows)))
                        .getMessage());
    }

    @Test
    void missingFileIsOneLine() {
        E2kdDataException e =
                assertThrows(E2kdDataException.class, () -> IdxReader.readLabels(dir.resolve("absent.gz")));
        assertTrue(e.getMessage().startsWith(dir + "/absent.gz: cannot read (no such file)"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
