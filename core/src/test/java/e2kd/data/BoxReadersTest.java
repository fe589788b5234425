package e2kd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertEquals(
                List.of(new Box(0, 1, 6, 5), new Box(4, 0, 6, 1)), d.boxes(0).boxes());
        assertEquals(root.resolve("JPEGImages/a.jpg"), d.file(0));
    }

    @Test
    void vocErrorsNameFileAndLine() throws IOException {
        Path outside = voc(tmp.resolve("outside"), "b", 6, 5, """
                  <object><name>dog</name>
                    <bndbox><xmin>2</xmin><ymin>1</ymin><xmax>7</xmax><ymax>5</ymax></bndbox></object>
                """);
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> VocDataset.open(outside, "all"));
        assertTrue(
                e.getMessage().contains("b.xml line 8:") && e.getMessage().contains("leaves the 6x5 image"),
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
        Path file = listBeside7x3(
                "list", "val/a/one.png", "img_filename,x0,y0,x1,y1\nval/a/one.png,4,1,7,3\n\nval/a/one.png, 0,0,1,1\n");
        Path dir = tmp.resolve("list/val/a");
        BoxList list = BoxList.read(file);
        ImageBoxes boxes = list.find(dir.resolve("one.png"));
        assertEquals(3, boxes.height());
        assertEquals(7, boxes.width());
        assertEquals(List.of(new Box(4, 1, 7, 3), new Box(0, 0, 1, 1)), boxes.boxes());
        BoxedDataset attached = list.attach(ImageFolder.open(tmp.resolve("list"), "val"));
        assertEquals(boxes, attached.boxes(0));

        Files.writeString(file, "val/a/one.png,4,1,8,3\n");
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(
                e.getMessage().contains("boxes.csv line 1:") && e.getMessage().contains("leaves the 7x3"),
                e.getMessage());
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

    @Test
    void boxListFieldsMayBeQuotedAndHoldCommas() throws IOException {
        Path file = listBeside7x3(
                "quoted",
                "val/a, b/x \"1\".png",
                "\uFEFFimg_filename,x0,y0,x1,y1\n\"val/a, b/x \"\"1\"\".png\", 4 ,\"1\",7,3\n");
        assertEquals(
                List.of(new Box(4, 1, 7, 3)),
                BoxList.read(file)
                        .find(tmp.resolve("quoted/val/a, b/x \"1\".png"))
                        .boxes());
        Files.writeString(file, "\"val/a, b/x.png,4,1,7,3\n");
        E2kdDataException e = assertThrows(E2kdDataException.class, () -> BoxList.read(file));
        assertTrue(
                e.getMessage().startsWith(file + " line") && e.getMessage().contains("not valid CSV"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void cubBoxesMatchByTheImageNameInAnyFolder() throws IOException {
        Path cub = Files.createDirectories(tmp.resolve("CUB_200_2011"));
        Files.writeString(cub.resolve("images.txt"), "1 001.Albatross/a_1.jpg\n2 002.Auklet/b_2.jpg\n");
        Files.writeString(cub.resolve("bounding_boxes.txt"), "1 1.0 2.5 3.5 2.0\n2 0.0 0.0 7.2 3.0\n");
        Path images = Files.createDirectories(tmp.resolve("birds/val/001.Albatross"));
        png(images.resolve("a_1.jpg"), 7, 5);
        Files.createDirectories(tmp.resolve("birds/val/002.Auklet"));
        png(tmp.resolve("birds/val/002.Auklet/b_2.jpg"), 7, 3);
        png(tmp.resolve("birds/val/002.Auklet/other.jpg"), 7, 3);
        for (Path given : List.of(cub, cub.resolve("bounding_boxes.txt"), cub.resolve("images.txt"))) {
            BoxList list = BoxList.read(given);
            assertEquals(2, list.size());
            // x 1..4.5, y 2.5..4.5 -> columns [1, 5), rows [2, 5)
            assertEquals(new ImageBoxes(5, 7, List.of(new Box(1, 2, 5, 5))), list.find(images.resolve("a_1.jpg")));
            // 7.2 is clipped to the 7 px image
            assertEquals(
                    List.of(new Box(0, 0, 7, 3)),
                    list.find(tmp.resolve("birds/val/002.Auklet/b_2.jpg")).boxes());
            assertEquals(null, list.find(tmp.resolve("birds/val/002.Auklet/other.jpg")));
        }
        Files.writeString(cub.resolve("bounding_boxes.txt"), "1 1.0 2.5 3.5 2.0\n2 0.0 0.0 9 3.0\n");
        E2kdDataException e = assertThrows(
                E2kdDataException.class, () -> BoxList.read(cub).find(tmp.resolve("birds/val/002.Auklet/b_2.jpg")));
        assertTrue(
                e.getMessage().contains("bounding_boxes.txt: box")
                        && e.getMessage().contains("leaves the 7x3"),
                e.getMessage());
        Files.writeString(cub.resolve("bounding_boxes.txt"), "3 1.0 2.5 3.5 2.0\n");
        e = assertThrows(E2kdDataException.class, () -> BoxList.read(cub));
        assertTrue(e.getMessage().contains("bounding_boxes.txt line 1: image id 3 is not in"), e.getMessage());
        Files.writeString(cub.resolve("bounding_boxes.txt"), "1 1.0 2.5 3.5\n");
        e = assertThrows(E2kdDataException.class, () -> BoxList.read(cub));
        assertTrue(e.getMessage().contains("bounding_boxes.txt line 1: expected 5 fields"), e.getMessage());
    }

    /** A VOC folder with one annotation (objects given as XML) and an empty ImageSets. */
    private static Path voc(Path root, String id, int width, int height, String objects) throws IOException {
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("Annotations"));
        Files.writeString(
                root.resolve("Annotations/" + id + ".xml"),
                "<annotation>\n  <folder>VOC</folder>\n"
                        + "  <filename>" + id + ".jpg</filename>\n  <size>\n    <width>" + width + "</width><height>"
                        + height
                        + "</height><depth>3</depth>\n  </size>\n" + objects + "</annotation>\n");
        return root;
    }

    /** A 7x3 PNG at {@code tmp/folder/image} and {@code tmp/folder/boxes.csv} holding {@code csv}. */
    private Path listBeside7x3(String folder, String image, String csv) throws IOException {
        Path png = tmp.resolve(folder).resolve(image);
        Files.createDirectories(png.getParent());
        png(png, 7, 3);
        Path file = tmp.resolve(folder).resolve("boxes.csv");
        Files.writeString(file, csv);
        return file;
    }

    private static void png(Path file, int width, int height) throws IOException {
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
    }
}
