package e2kd.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pascal VOC annotations and box list files: coordinates, labels and one-line errors naming file and line. */
class BoxReadersTest {
    @TempDir
    Path tmp;

    @Test
    void vocBoxesAreOneBasedInclusiveAndTheLabelIsTheLargestObject() throws IOException {
        Path root = voc(tmp.resolve("voc"), "a", 6, 5, """
                  <object><name>dog</name><bndbox><xmin>2</xmin><ymin>1</ymin><xmax>3</xmax><ymax>1</ymax></bndbox></object>
                  <object><name>cat</name><difficult>1</difficult>
                    <bndbox><xmin>1</xmin><ymin>2</ymin><xmax>6</xmax><ymax>5</ymax></bndbox></object>
                  <object><name>cat</name><bndbox><xmin>5.5</xmin><ymin>1</ymin><xmax>6</xmax><ymax>1</ymax></bndbox></object>
                """);
        VocAnnotation a = VocAnnotation.read(root.resolve("Annotations/a.xml"));
        assertEquals("a.jpg", a.filename());
        assertEquals(5, a.height());
        assertEquals(6, a.width());
        // xmin=2..xmax=3 (1-based, inclusive) are 0-based columns 1 and 2: [1, 3).
        assertEquals(new Box(1, 0, 3, 1), a.objects().get(0).box());
        assertEquals(new Box(0, 1, 6, 5), a.objects().get(1).box());
        assertEquals(new Box(4, 0, 6, 1), a.objects().get(2).box());
        VocDataset d = VocDataset.open(root, "all");
        assertEquals(1, d.size());
        assertEquals(VocDataset.CLASSES.indexOf("cat"), d.label(0));
        assertEquals(List.of(new Box(0, 1, 6, 5), new Box(4, 0, 6, 1)), d.boxes(0).boxes());
        assertEquals(root.resolve("JPEGImages/a.jpg"), d.file(0));
    }

    @Test
    void vocErrorsNameFileAndLine() throws IOException {
        Path outside = voc(tmp.resolve("outside"), "b", 6, 5, """
                  <object><name>dog</name>
                    <bndbox><xmin>2</xmin><ymin>1</ymin><xmax>7</xmax><ymax>5</ymax></bndbox></object>
                """);
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> VocDataset.open(outside, "all"));
        assertTrue(e.getMessage().contains("b.xml line 8:") && e.getMessage().contains("leaves the 6x5 image"),
                e.getMessage());
        Path broken = voc(tmp.resolve("broken"), "c", 6, 5, "  <object><name>dog</name>\n");
        e = assertThrows(E2kdDataException.class, () -> VocDataset.open(broken, "all"));
        assertTrue(e.getMessage().contains("c.xml line") && e.getMessage().contains("malformed XML"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        Path unknown = voc(tmp.resolve("unknown"), "d", 6, 5, """
                  <object><name>unicorn</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>
                """);
        e = assertThrows(E2kdDataException.class, () -> VocDataset.open(unknown, "all"));
        assertTrue(e.getMessage().contains("unknown class 'unicorn'"), e.getMessage());
        e = assertThrows(E2kdDataException.class, () -> VocDataset.open(unknown, "val"));
        assertTrue(e.getMessage().contains("val.txt"), e.getMessage());
    }

    @Test
    void boxListReadsPixelBoxesAndChecksThemAgainstTheImage() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("list/val/a"));
        png(dir.resolve("one.png"), 7, 3);
        Path file = tmp.resolve("list/boxes.csv");
        Files.writeString(file, "img_filename,x0,y0,x1,y1\nval/a/one.png,4,1,7,3\n\nval/a/one.png, 0,0,1,1\n");
        BoxList list = BoxList.read(file);
        ImageBoxes boxes = list.find(dir.resolve("one.png"));
        assertEquals(3, boxes.height());
        assertEquals(7, boxes.width());
        assertEquals(List.of(new Box(4, 1, 7, 3), new Box(0, 0, 1, 1)), boxes.boxes());
        BoxedDataset attached = list.attach(ImageFolder.open(tmp.resolve("list"), "val"));
        assertEquals(boxes, attached.boxes(0));

        Files.writeString(file, "val/a/one.png,4,1,8,3\n");
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(e.getMessage().contains("boxes.csv line 1:") && e.getMessage().contains("leaves the 7x3"), e.getMessage());
        Files.writeString(file, "img_filename,x0,y0,x1,y1\nval/a/one.png,4,1,3\n");
        e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(e.getMessage().contains("boxes.csv line 2:"), e.getMessage());
        Files.writeString(file, "val/a/one.png,4,1,x,3\n");
        e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(e.getMessage().contains("line 1: 'x' is not an integer"), e.getMessage());
        Files.writeString(file, "val/a/one.png,4,1,4,3\n");
        e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(e.getMessage().contains("line 1: box") && e.getMessage().contains("empty"), e.getMessage());
        Files.writeString(file, "val/a/two.png,0,0,1,1\n");
        e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(e.getMessage().contains("line 1:") && e.getMessage().contains("not found"), e.getMessage());
    }

    /** A VOC folder with one annotation (objects given as XML) and an empty ImageSets. */
    private static Path voc(Path root, String id, int width, int height, String objects) throws IOException {
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("Annotations"));
        Files.writeString(root.resolve("Annotations/" + id + ".xml"), "<annotation>\n  <folder>VOC</folder>\n"
                + "  <filename>" + id + ".jpg</filename>\n  <size>\n    <width>" + width + "</width><height>" + height
                + "</height><depth>3</depth>\n  </size>\n" + objects + "</annotation>\n");
        return root;
    }

    private static void png(Path file, int width, int height) throws IOException {
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }
}
