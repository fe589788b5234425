package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao et al. 2017; MIT licence, (c) Zalando SE): 28x28 grey clothing images in 10
 * classes, served as 3-channel {@code (3,28,28)} images.
 *
 * <p>{@link #load(Path)} reads the four IDX files from a directory (each either {@code .gz} or
 * uncompressed); {@link #embedded()} reads the deterministic subset bundled on the classpath (600
 * train + 200 test images per class, see {@link EmbeddedSubsetMaker}).
 */
public final class FashionMnist {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Classpath folder of the embedded subset. */
    public static final String RESOURCE_DIR = "/e2kd/data/fashion-mnist/";
    /** Label {@code k} is {@code CLASS_NAMES.get(k)}. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private final GrayDataset train;
    private final GrayDataset test;

    private FashionMnist(GrayDataset train, GrayDataset test) {
        this.train = train;
        this.test = test;
    }

    /** The training split (60,000 images in the full dataset). */
    public LabeledDataset train() {
        return train;
    }

    /** The test split (10,000 images in the full dataset). */
    public LabeledDataset test() {
        return test;
    }

    /** Reads the full dataset from {@link #DEFAULT_DIR}. */
    public static FashionMnist loadDefault() {
        return load(DEFAULT_DIR);
    }

    /**
     * Reads the full dataset from {@code dir}, taking {@code NAME.gz} or else {@code NAME} for each
     * of the four standard file names.
     *
     * @throws E2kdDataException naming the missing or malformed file
     */
    public static FashionMnist load(Path dir) {
        return new FashionMnist(split(dir, TRAIN_IMAGES, TRAIN_LABELS), split(dir, TEST_IMAGES, TEST_LABELS));
    }

    /** Reads the subset bundled under {@link #RESOURCE_DIR}. */
    public static FashionMnist embedded() {
        return new FashionMnist(embeddedSplit(TRAIN_IMAGES, TRAIN_LABELS), embeddedSplit(TEST_IMAGES, TEST_LABELS));
    }

    private static GrayDataset embeddedSplit(String imagesName, String labelsName) {
        String images = imagesName + ".gz";
        String labels = labelsName + ".gz";
        try (InputStream imageStream = resource(images);
                InputStream labelStream = resource(labels)) {
            return new GrayDataset(
                    IdxReader.readImages(images, imageStream),
                    IdxReader.readLabels(labels, labelStream),
                    CLASS_NAMES,
                    labels);
        } catch (IOException e) {
            throw new E2kdDataException(RESOURCE_DIR + images + ": cannot read (" + E2kdIoException.reason(e) + ")", e);
        }
    }

    private static GrayDataset split(Path dir, String imagesName, String labelsName) {
        Path labels = existing(dir, labelsName);
        return new GrayDataset(
                IdxReader.readImages(existing(dir, imagesName)),
                IdxReader.readLabels(labels),
                CLASS_NAMES,
                labels.getFileName().toString());
    }

    private static Path existing(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new E2kdDataException(dir + ": neither " + name + ".gz nor " + name + " found");
    }

    private static InputStream resource(String name) {
        InputStream in = FashionMnist.class.getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) {
            throw new E2kdDataException(
                    "classpath resource " + RESOURCE_DIR + name + " not found (embedded Fashion-MNIST)");
        }
        return in;
    }
}
