package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    private static int[] perClass(LabeledDataset d) {
        int[] counts = new int[10];
        for (int label : d.labels()) {
            counts[label]++;
        }
        return counts;
    }

    @Test
    void embeddedSubsetHasTenBalancedClasses() throws java.io.IOException {
        FashionMnist fm = FashionMnist.embedded();
        assertEquals(10, fm.train().classNames().size());
        assertEquals("T-shirt/top", fm.train().classNames().get(0));
        assertEquals("Ankle boot", fm.test().classNames().get(9));
        assertEquals(6000, fm.train().size());
        assertEquals(2000, fm.test().size());
        for (int count : perClass(fm.train())) {
            assertEquals(600, count);
        }
        for (int count : perClass(fm.test())) {
            assertEquals(200, count);
        }
        Image img = fm.train().image(0);
        assertEquals("(3,28,28)", img.shape());
        // the first training image's raw bytes, read here without the library: value = byte / 255 in R, G and B
        byte[] raw = firstEmbeddedTrainingImage();
        float max = 0;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 28 * 28; i++) {
                assertEquals((raw[i] & 0xFF) / 255f, img.data()[c * 28 * 28 + i], 0f, "channel " + c + " pixel " + i);
                max = Math.max(max, img.data()[c * 28 * 28 + i]);
            }
        }
        assertTrue(max > 0.5f, "a real garment image has bright pixels");
    }

    /** Bytes 16 .. 16 + 784 of the embedded train-images-idx3-ubyte.gz (after the IDX header). */
    private static byte[] firstEmbeddedTrainingImage() throws java.io.IOException {
        String resource = "/e2kd/data/fashion-mnist/train-images-idx3-ubyte.gz";
        try (java.io.InputStream in =
                new java.util.zip.GZIPInputStream(FashionMnistTest.class.getResourceAsStream(resource))) {
            byte[] head = in.readNBytes(16 + 28 * 28);
            assertEquals(0x0803, ((head[2] & 0xFF) << 8) | (head[3] & 0xFF), "IDX magic of unsigned-byte images");
            return java.util.Arrays.copyOfRange(head, 16, head.length);
        }
    }

    @Test
    void embeddedSubsetIsTheFirstImagesPerClassOfTheRealData() {
        e2kd.Installed.require(
                Files.isDirectory(FashionMnist.DEFAULT_DIR), "dataset-fashion-mnist at " + FashionMnist.DEFAULT_DIR);
        LabeledDataset full = FashionMnist.loadDefault().test();
        assertEquals(10_000, full.size());
        LabeledDataset sub = FashionMnist.embedded().test();
        int[] taken = new int[10];
        int k = 0;
        for (int i = 0; i < full.size() && k < sub.size(); i++) {
            int label = full.label(i);
            if (taken[label]++ < 200) {
                assertEquals(label, sub.label(k));
                assertArrayEquals(full.image(i).data(), sub.image(k).data());
                k++;
            }
        }
        assertEquals(2000, k);
    }

    @Test
    void loadsDirectoryWithPlainOrGzipFiles() {
        IdxImages images = new IdxImages(2, 28, 28, new byte[2 * 784]);
        IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte.gz"), images);
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte"), new byte[] {3, 7});
        IdxWriter.writeImages(dir.resolve("t10k-images-idx3-ubyte"), images);
        IdxWriter.writeLabels(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {9, 0});
        FashionMnist fm = FashionMnist.load(dir);
        assertEquals(2, fm.train().size());
        assertEquals(7, fm.train().label(1));
        assertEquals(9, fm.test().label(0));
    }

    @Test
    void missingFileAndBadLabelsAreNamed() {
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> FashionMnist.load(dir));
        assertEquals(dir + ": neither train-labels-idx1-ubyte.gz nor train-labels-idx1-ubyte found", e.getMessage());
        IdxImages images = new IdxImages(2, 28, 28, new byte[2 * 784]);
        IdxWriter.writeImages(dir.resolve("train-images-idx3-ubyte.gz"), images);
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[] {3, 12});
        e = assertThrows(E2kdDataException.class, () -> FashionMnist.load(dir));
        assertEquals("train-labels-idx1-ubyte.gz: label 12 at index 1, expected 0..9", e.getMessage());
        IdxWriter.writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), new byte[] {3});
        e = assertThrows(E2kdDataException.class, () -> FashionMnist.load(dir));
        assertEquals("train-labels-idx1-ubyte.gz: 1 labels for 2 images", e.getMessage());
    }
}
