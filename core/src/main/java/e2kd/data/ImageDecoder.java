package e2kd.data;

import e2kd.io.E2kdIoException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG/PNG files with {@code javax.imageio} (no display needed) into 3-channel {@code
 * (3,H,W)} images in [0,1], like PIL's {@code convert("RGB")}: grey is replicated to R, G and B
 * (raw sample values, no gamma conversion) and alpha is dropped.
 *
 * <p>Decoder warnings (e.g. "Premature end of JPEG file", which ImageIO otherwise papers over with
 * grey pixels) are treated as errors, so truncated files are reported rather than silently used.
 */
public final class ImageDecoder {
    private ImageDecoder() {}

    /**
     * Decodes {@code file}.
     *
     * @throws UnreadableImageException one line naming the file when it is missing, empty, not a decodable
     *     image, corrupt or truncated
     */
    public static Image decode(Path file) {
        try {
            if (Files.size(file) == 0) {
                throw new UnreadableImageException(file, "zero-byte image file");
            }
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (!readers.hasNext()) {
                    throw new UnreadableImageException(file, "not a decodable image (no ImageIO reader)");
                }
                ImageReader reader = readers.next();
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                try {
                    reader.setInput(in, true, true);
                    BufferedImage decoded = reader.read(0);
                    if (!warnings.isEmpty()) {
                        throw new UnreadableImageException(
                                file, "corrupt or truncated image (" + warnings.get(0) + ")");
                    }
                    return toImage(decoded);
                } finally {
                    reader.dispose();
                }
            }
        } catch (NoSuchFileException e) {
            throw new UnreadableImageException(file, "image file not found", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UnreadableImageException known) {
                throw known;
            }
            throw new UnreadableImageException(
                    file, "corrupt or truncated image (" + E2kdIoException.reason(e) + ")", e);
        }
    }

    /**
     * The {@code {height, width}} of {@code file} from its header, without decoding the pixels.
     *
     * @throws E2kdDataException one line naming the file when it is missing or not an image
     */
    public static int[] size(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new E2kdDataException(file + ": image file not found");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new E2kdDataException(file + ": not a decodable image (no ImageIO reader)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getHeight(0), reader.getWidth(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot read image header (" + E2kdIoException.reason(e) + ")", e);
        }
    }

    private static Image toImage(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        float[] out = new float[3 * plane];
        if (img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Raster raster = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < plane; i++) {
                out[i] = grey[i] / max;
            }
            System.arraycopy(out, 0, out, plane, plane);
            System.arraycopy(out, 0, out, 2 * plane, plane);
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                out[i] = ((p >> 16) & 0xFF) / 255f;
                out[plane + i] = ((p >> 8) & 0xFF) / 255f;
                out[2 * plane + i] = (p & 0xFF) / 255f;
            }
        }
        return new Image(3, h, w, out);
    }
}
