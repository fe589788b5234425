package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Boxes per image, from one of two formats.
 *
 * <p>A box list file (CSV, read by {@link CsvRecords}; quoted fields may hold commas): one box per
 * record, {@code img_filename,x0,y0,x1,y1} in pixels (x to the right, y down, x1 and y1 exclusive;
 * see {@link Box}); an image with several objects has several records. An optional first record
 * starting with {@code img_filename} is a header. {@code img_filename} is relative to the folder
 * holding the list file. Every image named is checked to exist and its header is read so that
 * boxes leaving the image are reported.
 *
 * <p>CUB-200-2011's {@code bounding_boxes.txt} ({@code image_id x y width height}, floats) with the
 * {@code images.txt} beside it ({@code image_id relative/name.jpg}), given as either file or their
 * folder: box {@code [floor(x), ceil(x+width))} by {@code [floor(y), ceil(y+height))}. Its names
 * ({@code 001.Black_footed_Albatross/….jpg}) are matched against the last path components of a
 * data set's files, so the same file serves CUB's {@code images/} folder, an image folder of CUB
 * classes and Waterbirds (whose images keep CUB's names and geometry); the boxes are checked
 * against each image when it is first looked up, an edge within one pixel outside the image
 * being clipped.
 */
public final class BoxList {
    /** CUB-200-2011's box file. */
    public static final String CUB_BOXES = "bounding_boxes.txt";
    /** CUB-200-2011's image list. */
    public static final String CUB_IMAGES = "images.txt";

    private final Map<Path, ImageBoxes> byImage;
    private final Map<String, List<Box>> byName;
    private final Path source;

    private BoxList(Map<Path, ImageBoxes> byImage, Map<String, List<Box>> byName, Path source) {
        this.byImage = byImage;
        this.byName = byName;
        this.source = source;
    }

    /**
     * Reads {@code file}: CUB's {@code bounding_boxes.txt} or {@code images.txt}, or a folder
     * holding both, else a box list CSV.
     *
     * @throws E2kdDataException one line naming the file and line number for a malformed line, a
     *     missing image or a box outside its image
     */
    public static BoxList read(Path file) {
        Path name = file.getFileName();
        if (Files.isDirectory(file) && Files.isRegularFile(file.resolve(CUB_BOXES))) {
            return readCub(file);
        }
        if (name != null
                && (name.toString().equals(CUB_BOXES) || name.toString().equals(CUB_IMAGES))) {
            return readCub(file.toAbsolutePath().getParent());
        }
        return readCsv(file);
    }

    private static BoxList readCsv(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new E2kdDataException(file + ": no such box list (a CSV file, or CUB's " + CUB_BOXES + " with "
                    + CUB_IMAGES + " beside it)");
        }
        Path dir = file.toAbsolutePath().getParent();
        Map<Path, List<Box>> boxes = new LinkedHashMap<>();
        Map<Path, int[]> sizes = new LinkedHashMap<>();
        List<CsvRecords.Row> rows = CsvRecords.read(file);
        for (CsvRecords.Row row : rows) {
            List<String> f = row.fields();
            if (row == rows.get(0) && f.get(0).startsWith("img_filename")) {
                continue;
            }
            String where = file + " line " + row.line() + ": ";
            if (f.size() != 5) {
                throw new E2kdDataException(
                        where + "expected img_filename,x0,y0,x1,y1, got " + f.size() + " fields " + f);
            }
            Path image = dir.resolve(f.get(0)).normalize();
            Box box;
            try {
                box = new Box(integer(f.get(1)), integer(f.get(2)), integer(f.get(3)), integer(f.get(4)));
            } catch (IllegalArgumentException e) {
                throw new E2kdDataException(where + e.getMessage());
            }
            int[] size = sizes.get(image);
            if (size == null) {
                try {
                    size = ImageDecoder.size(image);
                } catch (E2kdDataException e) {
                    throw new E2kdDataException(where + e.getMessage(), e);
                }
                sizes.put(image, size);
            }
            if (!box.fits(size[0], size[1])) {
                throw new E2kdDataException(where + "box " + box + " leaves the " + size[1] + "x" + size[0]
                        + " (width x height) image " + f.get(0));
            }
            boxes.computeIfAbsent(image, k -> new ArrayList<>()).add(box);
        }
        Map<Path, ImageBoxes> out = new LinkedHashMap<>();
        boxes.forEach((image, list) -> {
            int[] size = sizes.get(image);
            out.put(image, new ImageBoxes(size[0], size[1], list));
        });
        return new BoxList(out, Map.of(), file);
    }

    private static BoxList readCub(Path dir) {
        Path imagesFile = dir.resolve(CUB_IMAGES);
        Path boxesFile = dir.resolve(CUB_BOXES);
        Map<String, String> names = new LinkedHashMap<>();
        for (String[] f : whitespaceRecords(imagesFile, 2)) {
            names.put(f[1], f[2]);
        }
        Map<String, List<Box>> byName = new LinkedHashMap<>();
        for (String[] f : whitespaceRecords(boxesFile, 5)) {
            String where = boxesFile + " line " + f[0] + ": ";
            String image = names.get(f[1]);
            if (image == null) {
                throw new E2kdDataException(where + "image id " + f[1] + " is not in " + imagesFile);
            }
            double[] v = new double[4];
            for (int k = 0; k < 4; k++) {
                try {
                    v[k] = Double.parseDouble(f[k + 2]);
                } catch (NumberFormatException e) {
                    throw new E2kdDataException(where + "'" + f[k + 2] + "' is not a number");
                }
            }
            Box box;
            try {
                box = new Box((int) Math.floor(v[0]), (int) Math.floor(v[1]), (int) Math.ceil(v[0] + v[2]), (int)
                        Math.ceil(v[1] + v[3]));
            } catch (IllegalArgumentException e) {
                throw new E2kdDataException(where + e.getMessage());
            }
            byName.computeIfAbsent(image, k -> new ArrayList<>()).add(box);
        }
        return new BoxList(Map.of(), byName, boxesFile);
    }

    /** Lines of {@code file} split on white space: {@code [line number, field 1, …, field n]}. */
    private static List<String[]> whitespaceRecords(Path file, int fields) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot read (" + E2kdIoException.reason(e) + ")", e);
        }
        List<String[]> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != fields) {
                throw new E2kdDataException(file + " line " + (n + 1) + ": expected " + fields
                        + " fields separated by spaces, got '" + line + "'");
            }
            String[] record = new String[fields + 1];
            record[0] = Integer.toString(n + 1);
            System.arraycopy(f, 0, record, 1, fields);
            out.add(record);
        }
        return out;
    }

    /** Number of images with boxes. */
    public int size() {
        return byImage.size() + byName.size();
    }

    /**
     * The boxes of {@code image} (any path to it), or null when the list has none for it.
     *
     * @throws E2kdDataException naming the box file when a CUB box leaves the image
     */
    public ImageBoxes find(Path image) {
        Path absolute = image.toAbsolutePath().normalize();
        ImageBoxes found = byImage.get(absolute);
        if (found != null || byName.isEmpty()) {
            return found;
        }
        int count = absolute.getNameCount();
        for (int k = 1; k <= count; k++) {
            List<Box> boxes =
                    byName.get(absolute.subpath(count - k, count).toString().replace('\\', '/'));
            if (boxes != null) {
                return clipped(absolute, boxes);
            }
        }
        return null;
    }

    private ImageBoxes clipped(Path image, List<Box> boxes) {
        int[] size = ImageDecoder.size(image);
        List<Box> inside = new ArrayList<>();
        for (Box b : boxes) {
            Box c = new Box(
                    b.x0(), b.y0(), b.x1() == size[1] + 1 ? size[1] : b.x1(), b.y1() == size[0] + 1 ? size[0] : b.y1());
            if (!c.fits(size[0], size[1])) {
                throw new E2kdDataException(source + ": box " + b + " leaves the " + size[1] + "x" + size[0]
                        + " (width x height) image " + image);
            }
            inside.add(c);
        }
        return new ImageBoxes(size[0], size[1], inside);
    }

    /**
     * The image folder with these boxes attached by file path; samples without a line in the list
     * have no boxes (and count in no localization metric).
     */
    public BoxedDataset attach(ImageFolder folder) {
        return attach(folder, folder::file);
    }

    /** A Waterbirds-layout split (e.g. composite scenes with their boxes.csv), attached likewise. */
    public BoxedDataset attach(Waterbirds split) {
        return attach(split, split::file);
    }

    private BoxedDataset attach(LabeledDataset data, IntFunction<Path> files) {
        return new BoxedDataset() {
            @Override
            public ImageBoxes boxes(int index) {
                ImageBoxes found = find(files.apply(index));
                if (found != null) {
                    return found;
                }
                int[] size = ImageDecoder.size(files.apply(index));
                return new ImageBoxes(size[0], size[1], List.of());
            }

            @Override
            public int size() {
                return data.size();
            }

            @Override
            public Image image(int index) {
                return data.image(index);
            }

            @Override
            public int label(int index) {
                return data.label(index);
            }

            @Override
            public List<String> classNames() {
                return data.classNames();
            }
        };
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not an integer pixel coordinate");
        }
    }
}
