package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Pascal VOC layout as a multi-label dataset with boxes: {@code root/JPEGImages/<file>} and {@code
 * root/Annotations/<id>.xml} ({@link VocAnnotation}), the ids from {@code
 * root/ImageSets/Main/<split>.txt}, or every annotation (sorted) when the split is {@code all}.
 * Classes are the 20 VOC classes in their usual (alphabetical) order. An image's classes are those
 * of all its objects (difficult ones included); its label, which stands for it where one class is
 * needed (few-shot splits), is the class of its largest object (the first one on ties), and {@link
 * #boxes(int)} are that class's boxes; {@link #boxes(int, int)} gives any class's. Annotations are
 * parsed once, at open.
 */
public final class VocDataset implements BoxedDataset {
    /** The 20 Pascal VOC classes; label k is entry k. */
    public static final List<String> CLASSES = List.of(
            "aeroplane",
            "bicycle",
            "bird",
            "boat",
            "bottle",
            "bus",
            "car",
            "cat",
            "chair",
            "cow",
            "diningtable",
            "dog",
            "horse",
            "motorbike",
            "person",
            "pottedplant",
            "sheep",
            "sofa",
            "train",
            "tvmonitor");

    private final List<Path> images;
    private final int[] labels;
    private final List<VocAnnotation> annotations;

    private VocDataset(List<Path> images, int[] labels, List<VocAnnotation> annotations) {
        this.images = List.copyOf(images);
        this.labels = labels;
        this.annotations = List.copyOf(annotations);
    }

    /** Whether {@code root} looks like the VOC layout (has JPEGImages and Annotations). */
    public static boolean isLayout(Path root) {
        return Files.isDirectory(root.resolve("JPEGImages")) && Files.isDirectory(root.resolve("Annotations"));
    }

    /**
     * Opens split {@code split} ({@code all} for every annotation).
     *
     * @throws E2kdDataException one line naming the file (and line) at fault: a missing split list
     *     or annotation, malformed XML, an unknown class, a box outside its image, an image without
     *     objects
     */
    public static VocDataset open(Path root, String split) {
        Path annotations = root.resolve("Annotations");
        List<Path> files = new ArrayList<>();
        if ("all".equals(split)) {
            try (Stream<Path> list = Files.list(annotations)) {
                list.filter(p -> p.getFileName().toString().endsWith(".xml"))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new E2kdDataException(annotations + ": cannot list (" + E2kdIoException.reason(e) + ")", e);
            }
        } else {
            Path ids = root.resolve("ImageSets").resolve("Main").resolve(split + ".txt");
            try {
                for (String line : Files.readAllLines(ids, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        files.add(annotations.resolve(line.strip().split("\\s+")[0] + ".xml"));
                    }
                }
            } catch (IOException e) {
                throw new E2kdDataException(
                        ids + ": cannot read split list (use split 'all' to take every" + " annotation) ("
                                + E2kdIoException.reason(e) + ")",
                        e);
            }
        }
        if (files.isEmpty()) {
            throw new E2kdDataException(annotations + ": no annotations for split " + split);
        }
        List<Path> images = new ArrayList<>();
        int[] labels = new int[files.size()];
        List<VocAnnotation> parsed = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (!Files.isRegularFile(file)) {
                throw new E2kdDataException(file + ": annotation file not found");
            }
            VocAnnotation a = VocAnnotation.read(file);
            if (a.objects().isEmpty()) {
                throw new E2kdDataException(file + ": no <object>, so no label");
            }
            VocAnnotation.VocObject largest = a.objects().get(0);
            for (VocAnnotation.VocObject o : a.objects()) {
                if (!CLASSES.contains(o.name())) {
                    throw new E2kdDataException(
                            file + ": unknown class '" + o.name() + "'; expected one of " + String.join(", ", CLASSES));
                }
                if (area(o.box()) > area(largest.box())) {
                    largest = o;
                }
            }
            labels[i] = CLASSES.indexOf(largest.name());
            parsed.add(a);
            images.add(root.resolve("JPEGImages").resolve(a.filename()));
        }
        return new VocDataset(images, labels, parsed);
    }

    private static long area(Box b) {
        return (long) (b.x1() - b.x0()) * (b.y1() - b.y0());
    }

    /** The image file of sample {@code index}. */
    public Path file(int index) {
        return images.get(index);
    }

    @Override
    public ImageBoxes boxes(int index) {
        return boxes(index, labels[index]);
    }

    @Override
    public ImageBoxes boxes(int index, int cls) {
        VocAnnotation a = annotations.get(index);
        String name = CLASSES.get(cls);
        return new ImageBoxes(
                a.height(),
                a.width(),
                a.objects().stream()
                        .filter(o -> o.name().equals(name))
                        .map(VocAnnotation.VocObject::box)
                        .toList());
    }

    @Override
    public int[] classes(int index) {
        return annotations.get(index).objects().stream()
                .mapToInt(o -> CLASSES.indexOf(o.name()))
                .distinct()
                .sorted()
                .toArray();
    }

    @Override
    public boolean multiLabel() {
        return true;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Image image(int index) {
        return ImageDecoder.decode(images.get(index));
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public List<String> classNames() {
        return CLASSES;
    }
}
