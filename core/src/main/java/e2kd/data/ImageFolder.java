package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images in the ImageNet / torchvision {@code ImageFolder} layout: {@code
 * root/<split>/<class>/**.(jpg|jpeg|png)}. Classes are the sub-directory names sorted by name
 * (label = position); files are found recursively, sorted by path, extensions matched ignoring
 * case. Images are decoded lazily by {@link #image(int)} with {@link ImageDecoder}, so only the
 * file list is kept in memory.
 *
 * <p>By default a bad file (zero-byte, corrupt, truncated) raises a one-line {@link
 * E2kdDataException} naming it when accessed. With {@code skipBadImages}, {@link #open(Path,
 * String, boolean)} instead decodes every file once up front (pixels are discarded, so memory
 * stays flat but it costs one decode per file), drops the bad ones and reports them through
 * {@link #skippedCount()} and {@link #skippedFiles()}.
 */
public final class ImageFolder implements LabeledDataset {
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final List<Path> skipped;

    private ImageFolder(List<String> classNames, List<Path> files, int[] labels, List<Path> skipped) {
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.skipped = List.copyOf(skipped);
    }

    /** Lists {@code root/split} without decoding; bad files fail when accessed. */
    public static ImageFolder open(Path root, String split) {
        return open(root, split, false);
    }

    /**
     * Lists {@code root/split}; with {@code skipBadImages}, also decodes every file once and drops
     * those that fail.
     *
     * @throws E2kdDataException if the split folder is missing, has no class folders, or a class
     *     folder has no image file
     */
    public static ImageFolder open(Path root, String split, boolean skipBadImages) {
        Path dir = root.resolve(split);
        if (!Files.isDirectory(dir)) {
            throw new E2kdDataException(dir + ": not a directory (expected <root>/<split>/<class>/...)");
        }
        List<String> classes = classDirectories(dir);
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            List<Path> found = imageFiles(dir.resolve(classes.get(label)));
            for (Path file : found) {
                if (skipBadImages && !decodes(file)) {
                    skipped.add(file);
                } else {
                    files.add(file);
                    labels.add(label);
                }
            }
        }
        return new ImageFolder(
                classes, files, labels.stream().mapToInt(Integer::intValue).toArray(), skipped);
    }

    /** The file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** Number of files dropped because they failed to decode (0 unless skipping was enabled). */
    public int skippedCount() {
        return skipped.size();
    }

    /** The files dropped because they failed to decode, in listing order. */
    public List<Path> skippedFiles() {
        return skipped;
    }

    @Override
    public int size() {
        return files.size();
    }

    /** Decodes sample {@code index}; {@code (3,H,W)} in [0,1], H and W as stored in the file. */
    @Override
    public Image image(int index) {
        return ImageDecoder.decode(files.get(index));
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

    private static boolean decodes(Path file) {
        try {
            ImageDecoder.decode(file);
            return true;
        } catch (E2kdDataException e) {
            return false;
        }
    }
}
