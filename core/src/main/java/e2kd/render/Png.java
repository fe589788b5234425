package e2kd.render;

import e2kd.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG encoding of a {@link Picture} with javax.imageio (8 bits per channel; RGBA keeps its transparency). */
public final class Png {
    private Png() {}

    /** The PNG file's bytes. */
    public static byte[] encode(Picture picture) {
        boolean alpha = picture.channels() == 4;
        BufferedImage image = new BufferedImage(
                picture.width(), picture.height(), alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++) {
                int a = alpha ? picture.byteAt(y, x, 3) : 255;
                image.setRGB(
                        x,
                        y,
                        a << 24
                                | picture.byteAt(y, x, 0) << 16
                                | picture.byteAt(y, x, 1) << 8
                                | picture.byteAt(y, x, 2));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in javax.imageio");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** Writes the picture to {@code file} atomically. */
    public static void write(Path file, Picture picture) {
        byte[] bytes = encode(picture);
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
