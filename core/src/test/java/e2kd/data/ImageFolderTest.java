package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
            UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> lazy.image(at));
            assertEquals(bad, e.file());
            assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }

        SkippedImages skipped = new SkippedImages();
        DataLoader skipping = DataLoader.builder(lazy, 2)
                .augmentation(EvalTransform.standard(4))
                .skipUnreadable(skipped)
                .build();
        List<Long> read = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                EpochIterator it = skipping.epoch(0, m)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    Arrays.stream(b.indices()).forEach(read::add);
                }
            }
        }
        assertEquals(List.of(1L, 3L, 4L), read, "the three good files: ant/nested/c.jpeg, zebra/a.JPG, zebra/b.png");
        assertEquals(List.of(empty, truncatedJpeg, garbage, truncated), skipped.files());
    }

    /** A decoder that counts its calls, for evidence of when files are decoded. */
    private static final class CountingDecoder implements Function<Path, Image> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Image apply(Path file) {
            calls.incrementAndGet();
            return ImageDecoder.decode(file);
        }
    }

    @Test
    void openingAFolderDecodesNoFileUntilABatchIsBuilt() throws IOException {
        for (int i = 0; i < 10; i++) {
            writeImage(
                    root.resolve("big/" + (i < 5 ? "cat" : "dog") + "/" + i + ".png"),
                    6,
                    6,
                    BufferedImage.TYPE_INT_RGB,
                    "png");
        }
        Path bad = root.resolve("big/dog/7.png");
        Files.write(bad, Arrays.copyOf(Files.readAllBytes(bad), 30));
        CountingDecoder decoder = new CountingDecoder();
        ImageFolder folder = ImageFolder.open(root, "big", decoder);
        assertEquals(10, folder.size());
        assertEquals(bad, folder.file(7));
        LabeledDataset train = folder.subset(new int[] {0, 1, 2, 4, 5, 6, 7, 9});
        SkippedImages skipped = new SkippedImages();
        DataLoader loader = DataLoader.builder(train, 3)
                .shuffle(true)
                .augmentation(TrainAugmentation.standard(4))
                .workers(3)
                .prefetch(0)
                .skipUnreadable(skipped)
                .build();
        try (NDManager m = NDManager.newBaseManager()) {
            EpochIterator it = loader.epoch(0, m);
            assertEquals(0, decoder.calls.get(), "opened, split and ready to iterate: nothing decoded");
            it.next().close();
            assertEquals(3, decoder.calls.get(), "one batch: its three files");
            while (it.hasNext()) {
                it.next().close();
            }
            assertEquals(8, decoder.calls.get(), "one epoch: each of the 8 training files once");
            assertEquals(List.of(bad), skipped.files());
            try (EpochIterator again = loader.epoch(1, m)) {
                while (again.hasNext()) {
                    again.next().close();
                }
            }
            assertEquals(15, decoder.calls.get(), "next epoch: the 7 readable files; the unreadable one not again");
            assertEquals(1, skipped.count());
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
