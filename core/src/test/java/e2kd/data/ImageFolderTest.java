package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path root;

    static void writeImage(Path file, int h, int w, int type, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 40) << 16 | (y * 50) << 8 | 200);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, format, file.toFile());
    }

    @BeforeEach
    void layout() throws IOException {
        writeImage(root.resolve("train/zebra/b.png"), 4, 6, BufferedImage.TYPE_INT_RGB, "png");
        writeImage(root.resolve("train/zebra/a.JPG"), 16, 16, BufferedImage.TYPE_INT_RGB, "jpeg");
        writeImage(root.resolve("train/ant/nested/c.jpeg"), 8, 8, BufferedImage.TYPE_INT_RGB, "jpeg");
        Files.writeString(root.resolve("train/ant/notes.txt"), "ignored");
    }

    @Test
    void classesSortedByNameAndFilesByPath() {
        ImageFolder folder = ImageFolder.open(root, "train");
        assertEquals(List.of("ant", "zebra"), folder.classNames());
        assertEquals(3, folder.size());
        assertEquals(root.resolve("train/ant/nested/c.jpeg"), folder.file(0));
        assertEquals(root.resolve("train/zebra/a.JPG"), folder.file(1));
        assertArrayEquals(new int[] {0, 1, 1}, folder.labels());
        assertEquals(0, folder.skippedCount());
    }

    @Test
    void pngDecodesExactlyToChw() {
        Image img = ImageFolder.open(root, "train").image(2);
        assertEquals("(3,4,6)", img.shape());
        assertEquals(120 / 255f, img.get(0, 1, 3));
        assertEquals(100 / 255f, img.get(1, 2, 5));
        assertEquals(200 / 255f, img.get(2, 3, 0));
    }

    @Test
    void greyImagesAreReplicatedWithoutGammaChange() throws IOException {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 1, 0, 128);
        Path file = root.resolve("grey.png");
        ImageIO.write(grey, "png", file.toFile());
        Image img = ImageDecoder.decode(file);
        for (int c = 0; c < 3; c++) {
            assertEquals(128 / 255f, img.get(c, 1, 1));
            assertEquals(0f, img.get(c, 0, 0));
        }
    }

    @Test
    void badFilesFailOnAccessNamingTheFile() throws IOException {
        Path empty = root.resolve("train/ant/empty.png");
        Files.write(empty, new byte[0]);
        Path garbage = root.resolve("train/zebra/garbage.jpg");
        Files.write(garbage, "definitely not an image".getBytes());
        Path truncated = root.resolve("train/zebra/truncated.png");
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(root.resolve("train/zebra/b.png")), 40));
        Path truncatedJpeg = root.resolve("train/ant/truncated.jpg");
        byte[] jpeg = Files.readAllBytes(root.resolve("train/zebra/a.JPG"));
        Files.write(truncatedJpeg, Arrays.copyOf(jpeg, jpeg.length / 2));

        ImageFolder lazy = ImageFolder.open(root, "train");
        assertEquals(7, lazy.size());
        for (Path bad : List.of(empty, garbage, truncated, truncatedJpeg)) {
            int index = lazy.labels().length;
            for (int i = 0; i < lazy.size(); i++) {
                if (lazy.file(i).equals(bad)) {
                    index = i;
                }
            }
            int at = index;
            E2kdDataException e = assertThrows(E2kdDataException.class, () -> lazy.image(at));
            assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }

        ImageFolder skipping = ImageFolder.open(root, "train", true);
        assertEquals(3, skipping.size());
        assertEquals(4, skipping.skippedCount());
        assertEquals(List.of(empty, truncatedJpeg, garbage, truncated), skipping.skippedFiles());
        for (int i = 0; i < skipping.size(); i++) {
            skipping.image(i);
        }
    }

    @Test
    void missingSplitOrEmptyClassIsReported() throws IOException {
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> ImageFolder.open(root, "val"));
        assertTrue(e.getMessage().startsWith(root.resolve("val") + ": not a directory"));
        Files.createDirectories(root.resolve("train/empty"));
        e = assertThrows(E2kdDataException.class, () -> ImageFolder.open(root, "train"));
        assertEquals(root.resolve("train/empty") + ": no .jpg, .jpeg or .png file in class folder", e.getMessage());
    }
}
