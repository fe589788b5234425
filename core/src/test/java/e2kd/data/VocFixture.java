package e2kd.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A miniature PASCAL VOC folder for tests: {@code JPEGImages/<id>.jpg} (48 × 40 px), {@code Annotations/<id>.xml}
 * with one to three objects per image, of one to three of the classes {@link #CLASSES} (an image may hold two
 * objects of one class), each a filled rectangle of its class's colour in its own quadrant, and
 * {@code ImageSets/Main/train.txt}, {@code val.txt}.
 */
public final class VocFixture {
    /** The VOC classes the fixture draws, each in its own colour. */
    public static final List<String> CLASSES = List.of("bird", "car", "cat", "dog", "person");

    private static final Color[] COLOURS = {
        new Color(230, 40, 40),
        new Color(40, 200, 60),
        new Color(40, 70, 230),
        new Color(240, 220, 30),
        new Color(220, 60, 220)
    };
    private static final int WIDTH = 48;
    private static final int HEIGHT = 40;

    private VocFixture() {}

    /** Writes {@code train} + {@code val} images under {@code root}; the same seed writes the same folder. */
    public static Path write(Path root, int train, int val, long seed) throws IOException {
        Path images = Files.createDirectories(root.resolve("JPEGImages"));
        Path annotations = Files.createDirectories(root.resolve("Annotations"));
        Path sets = Files.createDirectories(root.resolve("ImageSets/Main"));
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> trainIds = new ArrayList<>();
        List<String> valIds = new ArrayList<>();
        for (int i = 0; i < train + val; i++) {
            String id = String.format(java.util.Locale.ROOT, "2024_%06d", i);
            (i < train ? trainIds : valIds).add(id);
            BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    int grey = 90 + rng.nextInt(60);
                    img.setRGB(x, y, new Color(grey, grey, grey).getRGB());
                }
            }
            StringBuilder xml = new StringBuilder("<annotation>\n  <folder>VOC2012</folder>\n  <filename>" + id
                    + ".jpg</filename>\n  <size><width>" + WIDTH + "</width><height>" + HEIGHT
                    + "</height><depth>3</depth></size>\n");
            int objects = 1 + rng.nextInt(3);
            int firstQuadrant = rng.nextInt(4);
            int firstClass = rng.nextInt(CLASSES.size());
            for (int o = 0; o < objects; o++) {
                int quadrant = (firstQuadrant + o) % 4;
                // the second object repeats the first's class now and then; the others are new classes
                int cls = o == 1 && rng.nextInt(3) == 0
                        ? firstClass
                        : (firstClass + o + (o == 2 ? 1 : 0)) % CLASSES.size();
                int w = 10 + rng.nextInt(12);
                int h = 8 + rng.nextInt(10);
                int x0 = (quadrant % 2) * (WIDTH / 2) + rng.nextInt(WIDTH / 2 - w + 1);
                int y0 = (quadrant / 2) * (HEIGHT / 2) + rng.nextInt(HEIGHT / 2 - h + 1);
                g.setColor(COLOURS[cls]);
                g.fillRect(x0, y0, w, h);
                // VOC boxes are 1-based and inclusive
                xml.append("  <object><name>")
                        .append(CLASSES.get(cls))
                        .append("</name><difficult>0</difficult><bndbox><xmin>")
                        .append(x0 + 1)
                        .append("</xmin><ymin>")
                        .append(y0 + 1)
                        .append("</ymin><xmax>")
                        .append(x0 + w)
                        .append("</xmax><ymax>")
                        .append(y0 + h)
                        .append("</ymax></bndbox></object>\n");
            }
            g.dispose();
            ImageIO.write(img, "jpg", images.resolve(id + ".jpg").toFile());
            Files.writeString(annotations.resolve(id + ".xml"), xml.append("</annotation>\n"));
        }
        Files.write(sets.resolve("train.txt"), trainIds);
        Files.write(sets.resolve("val.txt"), valIds);
        return root;
    }
}
