package e2kd.data;

import e2kd.io.E2kdIoException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A dataset in the Waterbirds layout (Sagawa et al. 2020): {@code metadata.csv} with at least the
 * columns {@code img_filename} (image path relative to the CSV), {@code y} (class), {@code place}
 * (background/group label) and {@code split} (0 train, 1 val, 2 test), in any order and next to
 * any other columns (real Waterbirds also has {@code img_id}, {@code place_filename}). Optional
 * {@code classes.txt} / {@code places.txt} next to it name class / place {@code k} on line {@code
 * k+1}; otherwise the names are the numbers. Images are decoded lazily by {@link ImageDecoder}.
 * The CSV is read by {@link CsvRecords} (quoted fields may hold commas).
 *
 * <p>A sample's group is {@code (y, place)}; {@link #split(int)} gives one split's rows in file
 * order, with the class names of the whole file.
 */
public final class Waterbirds implements LabeledDataset {
    public static final String METADATA = "metadata.csv";
    public static final int TRAIN = 0;
    public static final int VAL = 1;
    public static final int TEST = 2;
    /** Split names; split id {@code k} is {@code SPLITS.get(k)}. */
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /** The columns a metadata.csv must have. */
    public static final List<String> COLUMNS = List.of("img_filename", "y", "place", "split");

    private final Path root;
    private final List<String> files;
    private final int[] labels;
    private final int[] places;
    private final int[] splits;
    private final List<String> classNames;
    private final List<String> placeNames;

    private Waterbirds(
            Path root,
            List<String> files,
            int[] labels,
            int[] places,
            int[] splits,
            List<String> classNames,
            List<String> placeNames) {
        this.root = root;
        this.files = files;
        this.labels = labels;
        this.places = places;
        this.splits = splits;
        this.classNames = classNames;
        this.placeNames = placeNames;
    }

    /**
     * Reads {@code path/metadata.csv} (or {@code path} itself when it is a file).
     *
     * @throws E2kdDataException one line naming the file and the missing column, the line and
     *     field with a bad value, or a names file that is too short
     */
    public static Waterbirds open(Path path) {
        Path csv = Files.isDirectory(path) ? path.resolve(METADATA) : path;
        List<CsvRecords.Row> rows = CsvRecords.read(csv);
        if (rows.isEmpty()) {
            throw new E2kdDataException(csv + ": empty, expected a header with columns " + String.join(", ", COLUMNS));
        }
        List<String> header = rows.get(0).fields();
        int[] column = new int[COLUMNS.size()];
        for (int k = 0; k < COLUMNS.size(); k++) {
            column[k] = header.indexOf(COLUMNS.get(k));
            if (column[k] < 0) {
                throw new E2kdDataException(
                        csv + ": missing column '" + COLUMNS.get(k) + "' (need " + String.join(", ", COLUMNS) + ")");
            }
        }
        List<String> files = new ArrayList<>();
        int[][] values = new int[3][rows.size()];
        int n = 0;
        for (CsvRecords.Row row : rows.subList(1, rows.size())) {
            List<String> fields = row.fields();
            if (fields.size() != header.size()) {
                throw new E2kdDataException(csv + " line " + row.line() + ": " + fields.size()
                        + " fields, the header has " + header.size());
            }
            files.add(fields.get(column[0]));
            for (int k = 1; k < COLUMNS.size(); k++) {
                values[k - 1][n] = nonNegative(csv, row.line(), COLUMNS.get(k), fields.get(column[k]));
            }
            if (values[2][n] >= SPLITS.size()) {
                throw new E2kdDataException(csv + " line " + row.line() + ": split=" + values[2][n]
                        + ", expected 0 (train), 1 (val) or 2 (test)");
            }
            n++;
        }
        int[] labels = Arrays.copyOf(values[0], n);
        int[] places = Arrays.copyOf(values[1], n);
        Path root = csv.toAbsolutePath().getParent();
        return new Waterbirds(
                root,
                List.copyOf(files),
                labels,
                places,
                Arrays.copyOf(values[2], n),
                names(root.resolve("classes.txt"), labels),
                names(root.resolve("places.txt"), places));
    }

    /** The rows of split {@code split} ({@link #TRAIN}, {@link #VAL}, {@link #TEST}), in file order. */
    public Waterbirds split(int split) {
        int[] rows = IntStream.range(0, splits.length)
                .filter(i -> splits[i] == split)
                .toArray();
        return new Waterbirds(
                root,
                Arrays.stream(rows).mapToObj(files::get).toList(),
                pick(labels, rows),
                pick(places, rows),
                pick(splits, rows),
                classNames,
                placeNames);
    }

    /** The image file of sample {@code index}. */
    public Path file(int index) {
        return root.resolve(files.get(index));
    }

    /** The place (background / group label) of sample {@code index}. */
    public int place(int index) {
        return places[index];
    }

    /** All places, {@code (N)}. */
    public int[] places() {
        return places.clone();
    }

    /** Place names; place {@code k} is {@code placeNames().get(k)}. */
    public List<String> placeNames() {
        return placeNames;
    }

    @Override
    public int size() {
        return labels.length;
    }

    /** Decodes sample {@code index}: {@code (3,H,W)} in [0,1]. */
    @Override
    public Image image(int index) {
        return ImageDecoder.decode(file(index));
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    private static int nonNegative(Path csv, int line, String column, String text) {
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new E2kdDataException(
                csv + " line " + line + ": " + column + "='" + text.trim() + "', expected a non-negative integer");
    }

    /** Names from {@code file} when it exists (one per line), else "0".."max". */
    private static List<String> names(Path file, int[] ids) {
        int count = Arrays.stream(ids).max().orElse(-1) + 1;
        if (!Files.exists(file)) {
            return IntStream.range(0, count).mapToObj(Integer::toString).toList();
        }
        List<String> names = readLines(file).stream()
                .filter(s -> !s.isBlank())
                .map(String::trim)
                .toList();
        if (names.size() < count) {
            throw new E2kdDataException(
                    file + ": " + names.size() + " names, but metadata.csv uses ids up to " + (count - 1));
        }
        return names;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new E2kdDataException(file + ": cannot read (" + E2kdIoException.reason(e) + ")", e);
        }
    }

    private static int[] pick(int[] values, int[] rows) {
        return Arrays.stream(rows).map(i -> values[i]).toArray();
    }
}
