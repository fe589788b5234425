package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaterbirdsTest {
    @TempDir
    Path root;

    /** The real Waterbirds columns, in the real order, with a sub-folder per bird species. */
    @BeforeEach
    void layout() throws IOException {
        ImageFolderTest.writeImage(root.resolve("001.Albatross/a.png"), 3, 5, BufferedImage.TYPE_INT_RGB, "png");
        ImageFolderTest.writeImage(root.resolve("002.Grebe/b.png"), 3, 5, BufferedImage.TYPE_INT_RGB, "png");
        Files.writeString(root.resolve("metadata.csv"), """
        img_id,img_filename,y,split,place,place_filename
        1,001.Albatross/a.png,1,0,1,/o/ocean/x.jpg
        2,002.Grebe/b.png,0,2,1,/l/lake/y.jpg
        3,001.Albatross/a.png,1,2,0,/f/forest/z.jpg
        4,002.Grebe/b.png,0,1,0,/f/forest/w.jpg
        """);
    }

    @Test
    void readsColumnsByNameAndSelectsSplits() {
        Waterbirds all = Waterbirds.open(root);
        assertEquals(4, all.size());
        assertArrayEquals(new int[] {1, 0, 1, 0}, all.labels());
        assertArrayEquals(new int[] {1, 1, 0, 0}, all.places());
        assertEquals(List.of("0", "1"), all.classNames());
        Waterbirds test = all.split(Waterbirds.TEST);
        assertArrayEquals(new int[] {0, 1}, test.labels());
        assertArrayEquals(new int[] {1, 0}, test.places());
        assertEquals(root.toAbsolutePath().resolve("002.Grebe/b.png"), test.file(0));
        assertEquals("(3,3,5)", test.image(1).shape());
        assertEquals(List.of("0", "1"), test.classNames());
        assertEquals(
                1,
                Waterbirds.open(root.resolve("metadata.csv"))
                        .split(Waterbirds.VAL)
                        .size());
    }

    /** Quoted fields (a comma in a file name, a doubled quote, a line break) as any CSV writer emits them. */
    @Test
    void quotedFieldsHoldCommasQuotesAndLineBreaks() throws IOException {
        ImageFolderTest.writeImage(
                root.resolve("003.Gull, Western/c \"1\".png"), 3, 5, BufferedImage.TYPE_INT_RGB, "png");
        Files.writeString(root.resolve("metadata.csv"), """
        \uFEFFimg_id,img_filename,y,split,place,place_filename
        1,"003.Gull, Western/c ""1"".png",1,"0",1,"/o/ocean,
        x.jpg"
        2,002.Grebe/b.png,0,2,1,/l/lake/y.jpg
        3,002.Grebe/b.png,0,2,1
        """);
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> Waterbirds.open(root));
        assertEquals(root.resolve("metadata.csv") + " line 5: 5 fields, the header has 6", e.getMessage());
        Files.writeString(root.resolve("metadata.csv"), """
        img_id,img_filename,y,split,place,place_filename
        1,"003.Gull, Western/c ""1"".png",1,"0",1,"/o/ocean,
        x.jpg"
        2,002.Grebe/b.png,0,2,1,/l/lake/y.jpg
        """);
        Waterbirds w = Waterbirds.open(root);
        assertEquals(2, w.size());
        assertArrayEquals(new int[] {1, 0}, w.labels());
        assertEquals(root.toAbsolutePath().resolve("003.Gull, Western/c \"1\".png"), w.file(0));
        assertEquals("(3,3,5)", w.image(0).shape());
    }

    @Test
    void namesFilesNameClassesAndPlaces() throws IOException {
        Files.writeString(root.resolve("classes.txt"), "landbird\nwaterbird\n");
        Files.writeString(root.resolve("places.txt"), "land\nwater\n");
        Waterbirds w = Waterbirds.open(root);
        assertEquals(List.of("landbird", "waterbird"), w.classNames());
        assertEquals(List.of("land", "water"), w.placeNames());
        Files.writeString(root.resolve("classes.txt"), "landbird\n");
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> Waterbirds.open(root));
        assertEquals(root.resolve("classes.txt") + ": 1 names, but metadata.csv uses ids up to 1", e.getMessage());
    }

    @Test
    void missingColumnIsOneLineNamingFileAndColumn() throws IOException {
        Path csv = root.resolve("metadata.csv");
        Files.writeString(csv, "img_filename,y,split\na.png,0,0\n");
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> Waterbirds.open(root));
        assertEquals(csv + ": missing column 'place' (need img_filename, y, place, split)", e.getMessage());
    }

    @Test
    void badValuesNameLineAndColumn() throws IOException {
        Path csv = root.resolve("metadata.csv");
        Files.writeString(csv, "img_filename,y,place,split\na.png,0,0,0\nb.png,x,0,0\n");
        assertEquals(
                csv + " line 3: y='x', expected a non-negative integer",
                assertThrows(E2kdDataException.class, () -> Waterbirds.open(root))
                        .getMessage());
        Files.writeString(csv, "img_filename,y,place,split\na.png,0,0,3\n");
        assertEquals(
                csv + " line 2: split=3, expected 0 (train), 1 (val) or 2 (test)",
                assertThrows(E2kdDataException.class, () -> Waterbirds.open(root))
                        .getMessage());
        Files.writeString(csv, "img_filename,y,place,split\na.png,0,0\n");
        assertEquals(
                csv + " line 2: 3 fields, the header has 4",
                assertThrows(E2kdDataException.class, () -> Waterbirds.open(root))
                        .getMessage());
        Files.delete(csv);
        assertThrows(E2kdDataException.class, () -> Waterbirds.open(root));
    }
}
