package e2kd.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the Fashion-MNIST subset embedded under {@link FashionMnist#RESOURCE_DIR}: from each
 * split, the first {@code perClass} images of every class in file order (file order is the
 * dataset's own, already shuffled order), kept in that order, as gzip IDX files.
 *
 * <p>Usage (regenerates the committed resources; identical bytes with the same zlib):
 *
 * <pre>
 * mvn -q -o compile
 * java -cp core/target/classes e2kd.data.EmbeddedSubsetMaker \
 *     /usr/share/datasets/fashion-mnist demo-data/src/main/resources/e2kd/data/fashion-mnist 600 200
 * </pre>
 */
public final class EmbeddedSubsetMaker {
    private EmbeddedSubsetMaker() {}

    /** Arguments: source directory, output directory, train images per class, test per class. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: EmbeddedSubsetMaker SOURCE_DIR OUT_DIR TRAIN_PER_CLASS TEST_PER_CLASS");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        writeSplit(source, out, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, Integer.parseInt(args[2]));
        writeSplit(source, out, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS, Integer.parseInt(args[3]));
    }

    private static void writeSplit(Path source, Path out, String imagesName, String labelsName, int perClass) {
        IdxImages images = IdxReader.readImages(source.resolve(imagesName + ".gz"));
        byte[] labels = IdxReader.readLabels(source.resolve(labelsName + ".gz"));
        int classes = FashionMnist.CLASS_NAMES.size();
        int plane = images.rows() * images.cols();
        int total = perClass * classes;
        byte[] keptPixels = new byte[total * plane];
        byte[] keptLabels = new byte[total];
        int[] taken = new int[classes];
        int kept = 0;
        for (int i = 0; i < labels.length && kept < total; i++) {
            int label = labels[i] & 0xFF;
            if (taken[label] < perClass) {
                taken[label]++;
                System.arraycopy(images.pixels(), i * plane, keptPixels, kept * plane, plane);
                keptLabels[kept++] = labels[i];
            }
        }
        if (kept < total) {
            throw new E2kdDataException(
                    imagesName + ": only " + kept + " images found, expected " + perClass + " per class");
        }
        IdxWriter.writeImages(
                out.resolve(imagesName + ".gz"), new IdxImages(total, images.rows(), images.cols(), keptPixels));
        IdxWriter.writeLabels(out.resolve(labelsName + ".gz"), keptLabels);
    }
}
