package e2kd.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.data.Encoding;
import e2kd.data.Image;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.explain.Explainers;
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import e2kd.render.Picture;
import e2kd.render.Pictures;
import e2kd.render.Png;
import java.util.ArrayList;
import java.util.List;

/**
 * Test images next to their explanations: column "input", then the teacher (explaining its own top-1 class), then
 * each student explaining the teacher's top-1 class, as in e²KD (METHOD.md §1); without a teacher every model
 * explains its own top-1 class. Cells are PNG bytes.
 *
 * @param columns column headings
 * @param rows    one per image
 */
public record ExplanationGrid(List<String> columns, List<Row> rows) {
    /** One image: a caption (label and predictions) and one PNG per column. */
    public record Row(String caption, List<byte[]> pngs) {}

    /** A model to show, with the encoding of its input contract. */
    public record Column(String name, Model model, Encoding encoding) {}

    /**
     * @param rgb        preprocessed images (3, H, W) in [0, 1], all of one size
     * @param labels     their labels
     * @param classNames names of the classes
     * @param teacher    the teacher column, or null
     * @param students   the other models
     */
    public static ExplanationGrid build(
            List<Image> rgb,
            int[] labels,
            List<String> classNames,
            Column teacher,
            List<Column> students,
            NDManager manager) {
        List<Column> models = new ArrayList<>();
        if (teacher != null) {
            models.add(teacher);
        }
        models.addAll(students);
        List<String> columns = new ArrayList<>(List.of("input"));
        models.forEach(c -> columns.add(c.name()));
        List<List<byte[]>> cells = new ArrayList<>();
        List<StringBuilder> captions = new ArrayList<>();
        for (int i = 0; i < rgb.size(); i++) {
            Image im = rgb.get(i);
            cells.add(new ArrayList<>(List.of(Png.encode(Picture.fromChw(im.data(), im.height(), im.width())))));
            captions.add(new StringBuilder("label " + classNames.get(labels[i])));
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray teacherClasses = null;
            for (Column c : models) {
                NDArray x = batch(rgb, c.encoding(), scope);
                Explainer explainer = Explainers.create("auto", c.model());
                ClassChoice choice = teacherClasses == null ? ClassChoice.top1() : ClassChoice.fixed(teacherClasses);
                Explained e = Autograd.recording(() -> explainer.explain(x, choice));
                if (c == teacher) {
                    teacherClasses = e.classes();
                }
                long[] predicted = e.logits().argMax(1).toLongArray();
                for (int i = 0; i < rgb.size(); i++) {
                    cells.get(i)
                            .add(Png.encode(
                                    Pictures.of(explainer, x, e, i, rgb.get(i).data())));
                    captions.get(i).append(" · ").append(c.name()).append(": ").append(classNames.get((int)
                            predicted[i]));
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < rgb.size(); i++) {
            rows.add(new Row(captions.get(i).toString(), cells.get(i)));
        }
        return new ExplanationGrid(columns, rows);
    }

    private static NDArray batch(List<Image> rgb, Encoding encoding, NDManager manager) {
        Image first = encoding.encode(rgb.get(0));
        int size = first.data().length;
        float[] all = new float[size * rgb.size()];
        for (int i = 0; i < rgb.size(); i++) {
            System.arraycopy(encoding.encode(rgb.get(i)).data(), 0, all, i * size, size);
        }
        return manager.create(all, new Shape(rgb.size(), first.channels(), first.height(), first.width()));
    }
}
