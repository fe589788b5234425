package e2kd.data;

import e2kd.io.AtomicFiles;
import e2kd.io.E2kdIoException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes scenes in the Waterbirds layout that {@link Waterbirds} reads: PNGs under {@code
 * dir/<split name>/NNNNN.png}, then {@code metadata.csv} ({@code img_filename,y,place,split}),
 * {@code boxes.csv} ({@code img_filename,x0,y0,x1,y1}: pixels, x to the right, y down, x1/y1
 * exclusive), {@code classes.txt} and {@code places.txt} (one name per line, line k = id k).
 * Image paths are relative to the CSV files. The CSV and text files are written atomically by
 * {@link #finish()}, metadata.csv last, so a folder with a metadata.csv is complete.
 */
final class SceneWriter {
    private final Path dir;
    private final List<String> classNames;
    private final List<String> placeNames;
    private final StringBuilder metadata = new StringBuilder("img_filename,y,place,split\n");
    private final StringBuilder boxes = new StringBuilder("img_filename,x0,y0,x1,y1\n");
    private final int[] counts = new int[Waterbirds.SPLITS.size()];

    SceneWriter(Path dir, List<String> classNames, List<String> placeNames) {
        this.dir = dir;
        this.classNames = classNames;
        this.placeNames = placeNames;
    }

    /** Writes the scene's PNG into split {@code split} and records its rows. */
    void add(int split, CompositeScenes.Scene scene) {
        String name = String.format(Locale.ROOT, "%s/%05d.png", Waterbirds.SPLITS.get(split), counts[split]++);
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(toRgb(scene.image()), "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot write (" + E2kdIoException.reason(e) + ")", e);
        }
        metadata.append(name)
                .append(',')
                .append(scene.label())
                .append(',')
                .append(scene.place())
                .append(',')
                .append(split)
                .append('\n');
        Box b = scene.box();
        boxes.append(name)
                .append(',')
                .append(b.x0())
                .append(',')
                .append(b.y0())
                .append(',')
                .append(b.x1())
                .append(',')
                .append(b.y1())
                .append('\n');
    }

    /** Writes the text files; metadata.csv last. */
    void finish() {
        text("classes.txt", String.join("\n", classNames) + "\n");
        text("places.txt", String.join("\n", placeNames) + "\n");
        text("boxes.csv", boxes.toString());
        text(Waterbirds.METADATA, metadata.toString());
    }

    private void text(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(dir.resolve(name), out -> out.write(bytes));
    }

    /** {@code (3,H,W)} in [0,1] to 8-bit RGB, rounding to nearest. */
    private static BufferedImage toRgb(Image image) {
        int h = image.height();
        int w = image.width();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(
                        x,
                        y,
                        byteOf(image.get(0, y, x)) << 16
                                | byteOf(image.get(1, y, x)) << 8
                                | byteOf(image.get(2, y, x)));
            }
        }
        return out;
    }

    private static int byteOf(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }
}
