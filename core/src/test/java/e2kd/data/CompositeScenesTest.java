package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompositeScenesTest {
    private static final LabeledDataset ITEMS =
            FashionMnist.embedded().test().subset(IntStream.range(0, 200).toArray());

    @Test
    void sameSeedSameSceneOtherSeedOtherScene() {
        CompositeScenes.Part part = new CompositeScenes.Part(Waterbirds.TRAIN, ITEMS, 0.5);
        CompositeScenes.Scene a = CompositeScenes.shortcut(3).render(part, 7);
        CompositeScenes.Scene b = CompositeScenes.shortcut(3).render(part, 7);
        assertArrayEquals(a.image().data(), b.image().data());
        assertEquals(List.of(a.label(), a.place(), a.box()), List.of(b.label(), b.place(), b.box()));
        assertFalse(Arrays.equals(
                a.image().data(),
                CompositeScenes.shortcut(4).render(part, 7).image().data()));
        assertEquals("(3,32,32)", a.image().shape());
    }

    @Test
    void correlationOnePutsEveryClassOnItsOwnPlaceAndZeroSpreadsThem() {
        CompositeScenes scenes = CompositeScenes.shortcut(1);
        CompositeScenes.Part correlated = new CompositeScenes.Part(Waterbirds.TRAIN, ITEMS, 1.0);
        CompositeScenes.Part independent = new CompositeScenes.Part(Waterbirds.TEST, ITEMS, 0.0);
        int own = 0;
        boolean[] seen = new boolean[Textures.FAMILIES.size()];
        for (int i = 0; i < ITEMS.size(); i++) {
            CompositeScenes.Scene s = scenes.render(correlated, i);
            assertEquals(s.label(), s.place());
            CompositeScenes.Scene t = scenes.render(independent, i);
            own += t.place() == t.label() ? 1 : 0;
            seen[t.place()] = true;
        }
        // Independent: P(own place) = 1/10, so 20 of 200 expected; 45 is over 5 standard deviations away.
        assertTrue(own < 45, own + " of 200 on their own place");
        for (boolean s : seen) {
            assertTrue(s);
        }
    }

    /**
     * A synthetic item with a bright 12 wide x 6 high bar at columns 10..21, rows 4..9, pasted unscaled: exactly those
     * pixels become grey (R = G = B = 0.8; the textures are saturated, so no background pixel is grey) and the box is
     * that bar, 12 wide in x and 6 high in y, wherever it landed.
     */
    @Test
    void itemKeepsItsGreyValuesOverTheTextureAndTheBoxIsTight() {
        float[] grey = new float[3 * 28 * 28];
        for (int c = 0; c < 3; c++) {
            for (int y = 4; y < 10; y++) {
                for (int x = 10; x < 22; x++) {
                    grey[(c * 28 + y) * 28 + x] = 0.8f;
                }
            }
        }
        LabeledDataset item = new ArrayDataset(new Image(3, 28, 28, grey), 2);
        for (int seed = 0; seed < 5; seed++) {
            CompositeScenes.Scene s = new CompositeScenes(40, 28, 28, 0, seed)
                    .render(new CompositeScenes.Part(Waterbirds.TRAIN, item, 0.0), 0);
            Box b = s.box();
            assertEquals(12, b.x1() - b.x0(), s.box().toString());
            assertEquals(6, b.y1() - b.y0(), s.box().toString());
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    boolean inside = x >= b.x0() && x < b.x1() && y >= b.y0() && y < b.y1();
                    float r = s.image().get(0, y, x);
                    boolean isGrey =
                            r == s.image().get(1, y, x) && r == s.image().get(2, y, x);
                    assertEquals(inside, isGrey, "pixel x=" + x + " y=" + y + " box " + b);
                    if (inside) {
                        assertEquals(0.8f, r);
                    }
                }
            }
        }
    }

    @Test
    void texturesAreDeterministicInRangeAndFamiliesDiffer() {
        double[][] means = new double[Textures.FAMILIES.size()][3];
        for (int f = 0; f < Textures.FAMILIES.size(); f++) {
            Image a = Textures.render(f, 32, 32, new SplittableRandom(5));
            assertArrayEquals(
                    a.data(),
                    Textures.render(f, 32, 32, new SplittableRandom(5)).data());
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        float v = a.get(c, y, x);
                        assertTrue(v >= 0 && v <= 1, "family " + f + " value " + v);
                        means[f][c] += v / (32 * 32);
                    }
                }
            }
        }
        for (int f = 0; f < means.length; f++) {
            for (int g = f + 1; g < means.length; g++) {
                double d = Math.abs(means[f][0] - means[g][0])
                        + Math.abs(means[f][1] - means[g][1])
                        + Math.abs(means[f][2] - means[g][2]);
                assertTrue(d > 0.02, Textures.FAMILIES.get(f) + " vs " + Textures.FAMILIES.get(g) + ": " + d);
            }
        }
    }

    /**
     * Written in the Waterbirds layout and read back: labels, places, pixels (to 8 bits) and boxes as rendered, the
     * boxes also through the box-list reader.
     */
    @Test
    void writtenScenesReadBackAsWaterbirdsWithTheirBoxes(@TempDir Path dir) throws IOException {
        CompositeScenes scenes = CompositeScenes.localization(11);
        LabeledDataset train = ITEMS.subset(new int[] {0, 1, 2});
        LabeledDataset test = ITEMS.subset(new int[] {3, 4});
        List<CompositeScenes.Part> parts = List.of(
                new CompositeScenes.Part(Waterbirds.TRAIN, train, 1.0),
                new CompositeScenes.Part(Waterbirds.TEST, test, 0.0));
        scenes.write(dir, FashionMnist.CLASS_NAMES, parts);
        Waterbirds read = Waterbirds.open(dir);
        assertEquals(FashionMnist.CLASS_NAMES, read.classNames());
        assertEquals(Textures.FAMILIES, read.placeNames());
        List<String> boxes = Files.readAllLines(dir.resolve("boxes.csv"));
        BoxList boxList = BoxList.read(dir.resolve("boxes.csv"));
        assertEquals(5, boxList.size());
        assertEquals("img_filename,x0,y0,x1,y1", boxes.get(0));
        assertEquals(
                "img_filename,y,place,split",
                Files.readAllLines(dir.resolve("metadata.csv")).get(0));
        int row = 0;
        for (CompositeScenes.Part part : parts) {
            Waterbirds split = read.split(part.split());
            for (int i = 0; i < part.items().size(); i++, row++) {
                CompositeScenes.Scene s = scenes.render(part, i);
                assertEquals(s.label(), split.label(i));
                assertEquals(s.place(), split.place(i));
                float[] expected = s.image().data();
                float[] actual = split.image(i).data();
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], actual[k], 0.5 / 255 + 1e-6);
                }
                String name = dir.relativize(split.file(i)).toString();
                Box b = s.box();
                assertEquals(name + "," + b.x0() + "," + b.y0() + "," + b.x1() + "," + b.y1(), boxes.get(row + 1));
                assertEquals(List.of(b), boxList.find(split.file(i)).boxes());
            }
        }
        assertEquals(
                List.of("train/00000.png", "train/00001.png", "train/00002.png", "test/00000.png", "test/00001.png"),
                boxes.stream().skip(1).map(l -> l.split(",")[0]).toList());
    }

    /** One image with one label. */
    private record ArrayDataset(Image only, int label) implements LabeledDataset {
        @Override
        public int size() {
            return 1;
        }

        @Override
        public Image image(int index) {
            return only;
        }

        @Override
        public int label(int index) {
            return label;
        }

        @Override
        public List<String> classNames() {
            return FashionMnist.CLASS_NAMES;
        }
    }
}
