package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Images in the ImageNet / torchvision {@code ImageFolder} layout: {@code
 * root/<split>/<class>/**.(jpg|jpeg|png)}. Classes are the sub-directory names sorted by name
 * (label = position); files are found recursively, sorted by path, extensions matched ignoring
 * case. Opening only lists the files: each image is decoded when {@link #image(int)} is called
 * (by a {@link DataLoader} building its batch), so nothing is decoded up front and only the file
 * list is kept in memory.
 *
 * <p>A bad file (missing, zero-byte, corrupt, truncated) raises a one-line {@link
 * UnreadableImageException} naming it when accessed; a loader with {@link
 * DataLoader.Builder#skipUnreadable} drops and counts it instead.
 */
public final class ImageFolder implements LabeledDataset {
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final Function<Path, Image> decoder;

    private ImageFolder(List<String> classNames, List<Path> files, int[] labels, Function<Path, Image> decoder) {
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.decoder = decoder;
    }

    /**
     * Lists {@code root/split} without decoding any file.
     *
     * @throws E2kdDataException if the split folder is missing, has no class folders, or a class
     *     folder has no image file
     */
    public static ImageFolder open(Path root, String split) {
        return open(root, split, ImageDecoder::decode);
    }

    /** As {@link #open(Path, String)}, decoding with {@code decoder} (tests count decodes with it). */
    static ImageFolder open(Path root, String split, Function<Path, Image> decoder) {
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new E2kdDataException(dir + ": not a directory (expected <root>/<split>/<class>/...)");
        }
        List<String> classes = classDirectories(dir);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            for (Path file : imageFiles(dir.resolve(classes.get(label)))) {
                files.add(file);
                labels.add(label);
            }
        }
        return new ImageFolder(
                classes, files, labels.stream().mapToInt(Integer::intValue).toArray(), decoder);
    }

    /** The file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public int size() {
        return files.size();
    }

    /**
     * Decodes sample {@code index}; {@code (3,H,W)} in [0,1], H and W as stored in the file.
     *
     * @throws UnreadableImageException naming the file when it cannot be decoded
     */
    @Override
    public Image image(int index) {
        return decoder.apply(files.get(index));
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    private static List<String> classDirectories(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> classes = entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
            if (classes.isEmpty()) {
                throw new E2kdDataException(dir + ": no class sub-directories");
            }
            return classes;
        } catch (IOException e) {
            throw new E2kdDataException(dir + ": cannot list (" + E2kdIoException.reason(e) + ")", e);
        }
    }

    private static List<Path> imageFiles(Path classDir) {
        try (Stream<Path> walk = Files.walk(classDir, FileVisitOption.FOLLOW_LINKS)) {
            List<Path> found = walk.filter(Files::isRegularFile)
                    .filter(ImageFolder::hasImageExtension)
                    .sorted()
                    .toList();
            if (found.isEmpty()) {
                throw new E2kdDataException(classDir + ": no .jpg, .jpeg or .png file in class folder");
            }
            return found;
        } catch (IOException e) {
            throw new E2kdDataException(classDir + ": cannot list (" + E2kdIoException.reason(e) + ")", e);
        }
    }

    private static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png");
    }
}
