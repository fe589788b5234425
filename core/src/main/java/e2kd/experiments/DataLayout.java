package e2kd.experiments;

import e2kd.data.VocDataset;
import e2kd.data.Waterbirds;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a {@code --data} folder holds, told by its files; the same rules for {@code train}, {@code distill} and {@code eval}. */
public enum DataLayout {
    /** Annotations/ and JPEGImages/. */
    VOC(e2kd.train.TrainConfig.VOC),
    /** metadata.csv. */
    WATERBIRDS("waterbirds"),
    /** Fashion-MNIST's IDX files (t10k-images-idx3-ubyte, gzipped or not). */
    FASHION_MNIST("fashion-mnist"),
    /** SPLIT/CLASS/image files. */
    IMAGE_FOLDER("image-folder");

    /** The config's {@code data:} value. */
    public final String configValue;

    DataLayout(String configValue) {
        this.configValue = configValue;
    }

    /**
     * The layout of {@code dir}, checked in the order VOC, Waterbirds, Fashion-MNIST, image folder.
     *
     * @throws IllegalArgumentException naming {@code dir} when it is not a folder
     */
    public static DataLayout of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data " + dir + " is neither fashion-mnist nor a folder");
        }
        if (VocDataset.isLayout(dir)) {
            return VOC;
        }
        if (Files.isRegularFile(dir.resolve(Waterbirds.METADATA))) {
            return WATERBIRDS;
        }
        if (Files.exists(dir.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.exists(dir.resolve("t10k-images-idx3-ubyte"))) {
            return FASHION_MNIST;
        }
        return IMAGE_FOLDER;
    }
}
