package e2kd.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import e2kd.data.CompositeScenes;
import e2kd.data.E2kdDataException;
import e2kd.data.FashionMnist;
import e2kd.data.LabeledDataset;
import e2kd.data.Waterbirds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitsTest {
    /**
     * Opening an image folder's splits decodes nothing, also with skip_bad_images: a folder whose every file is garbage
     * opens whole (a decoding open would have dropped them all), and its first read names the file.
     */
    @Test
    void imageFolderSplitsOpenWithoutDecodingAnyFile(@TempDir Path dir) throws IOException {
        for (String split : List.of("train", "val")) {
            for (String c : List.of("a", "b")) {
                for (int i = 0; i < (split.equals("train") ? 4 : 1); i++) {
                    Path file = dir.resolve(split + "/" + c + "/" + i + ".png");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, "not a png");
                }
            }
        }
        Splits s = Splits.open(ConfigLoader.defaults()
                .set(List.of(
                        "data=image-folder",
                        "data_dir=" + dir,
                        "shots_per_class=3",
                        "val_per_class=1",
                        "skip_bad_images=true"))
                .resolve());
        assertEquals(6, s.train().size());
        assertEquals(2, s.val().size());
        assertEquals(2, s.test().size());
        E2kdDataException e =
                assertThrows(E2kdDataException.class, () -> s.test().image(0));
        assertEquals(dir.resolve("val/a/0.png") + ": not a decodable image (no ImageIO reader)", e.getMessage());
    }

    /**
     * A Waterbirds folder with 4 train, 3 val and 5 test scenes per class (2 classes): the run's 4 shots come from the
     * train split and its 3 validation images from the val split (one split could not give 4 + 3 per class), its test
     * split is the test split (cut by test_limit).
     */
    @Test
    void waterbirdsFolderKeepsItsOwnSplits(@TempDir Path dir) {
        LabeledDataset items = FashionMnist.embedded().test();
        int[] zeros = IntStream.range(0, items.size())
                .filter(i -> items.label(i) == 0)
                .toArray();
        int[] ones = IntStream.range(0, items.size())
                .filter(i -> items.label(i) == 1)
                .toArray();
        int[] pool = IntStream.range(0, 24)
                .map(i -> i % 2 == 0 ? zeros[i / 2] : ones[i / 2])
                .toArray();
        LabeledDataset two = items.subset(pool);
        CompositeScenes.shortcut(1)
                .write(
                        dir,
                        FashionMnist.CLASS_NAMES.subList(0, 2),
                        List.of(
                                new CompositeScenes.Part(
                                        Waterbirds.TRAIN,
                                        two.subset(IntStream.range(0, 8).toArray()),
                                        1.0),
                                new CompositeScenes.Part(
                                        Waterbirds.VAL,
                                        two.subset(IntStream.range(8, 14).toArray()),
                                        1.0),
                                new CompositeScenes.Part(
                                        Waterbirds.TEST,
                                        two.subset(IntStream.range(14, 24).toArray()),
                                        0.0)));
        Splits s = Splits.open(ConfigLoader.defaults()
                .set(List.of(
                        "data=waterbirds", "data_dir=" + dir, "shots_per_class=4", "val_per_class=3", "test_limit=7"))
                .resolve());
        assertEquals(2, s.numClasses());
        assertEquals(8, s.train().size());
        assertEquals(6, s.val().size());
        assertEquals(7, s.test().size());
        Waterbirds all = Waterbirds.open(dir);
        assertArrayEquals(
                IntStream.range(0, 7)
                        .map(i -> all.split(Waterbirds.TEST).label(i))
                        .toArray(),
                s.test().labels());
        assertEquals(4, IntStream.of(s.train().labels()).filter(l -> l == 0).count());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Splits.open(
                        ConfigLoader.defaults().set(List.of("data=waterbirds")).resolve()));
        assertEquals("config data=waterbirds needs data_dir (or --data DIR with metadata.csv)", e.getMessage());
    }
}
