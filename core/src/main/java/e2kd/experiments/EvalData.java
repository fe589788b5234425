package e2kd.experiments;

import e2kd.data.BoxList;
import e2kd.data.FashionMnist;
import e2kd.data.ImageFolder;
import e2kd.data.LabeledDataset;
import e2kd.data.VocDataset;
import e2kd.data.Waterbirds;
import e2kd.train.ConfigLoader;
import e2kd.train.Splits;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data an {@code eval} runs on, by {@code --data}: absent, the evaluated run's own splits (its config.yaml);
 * {@code fashion-mnist}, the embedded subset; a folder in the Pascal VOC layout (JPEGImages + Annotations); a
 * folder of Fashion-MNIST IDX files; otherwise an image folder ({@code <split>/<class>/…}), with boxes from
 * {@code --boxes} when given (also for Waterbirds).
 *
 * @param description what was opened, for the JSON
 * @param split       the split used
 * @param dataset     the samples
 */
public record EvalData(String description, String split, LabeledDataset dataset) {
    public static EvalData resolve(Path model, String data, String split, Path boxes) {
        if (boxes != null
                && (data == null || !Files.isDirectory(Path.of(data)) || VocDataset.isLayout(Path.of(data)))) {
            throw new IllegalArgumentException(
                    "--boxes goes with an image folder or a Waterbirds folder given by --data DIR");
        }
        if (data == null) {
            Path config = model.resolve("config.yaml");
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException(
                        "give --data: " + model + " is not a run directory with config.yaml");
            }
            Splits splits = Splits.open(ConfigLoader.defaults().file(config).resolve());
            String s = split == null ? "test" : split;
            LabeledDataset d = switch (s) {
                case "test" -> splits.test();
                case "val" -> splits.val();
                case "train" -> splits.train();
                default ->
                    throw new IllegalArgumentException(
                            "--split " + s + " is not a split of a run; expected " + "test, val or train");
            };
            return new EvalData("run " + model, s, d);
        }
        if ("fashion-mnist".equals(data)) {
            return fashionMnist(FashionMnist.embedded(), "embedded fashion-mnist", split);
        }
        Path dir = Path.of(data);
        DataLayout layout = DataLayout.of(dir);
        if (layout == DataLayout.VOC) {
            String s = split == null ? "val" : split;
            return new EvalData("voc " + dir, s, VocDataset.open(dir, s));
        }
        if (layout == DataLayout.WATERBIRDS) {
            String s = split == null ? "test" : split;
            int index = Waterbirds.SPLITS.indexOf(s);
            if (index < 0) {
                throw new IllegalArgumentException("--split " + s + " is not a Waterbirds split; expected "
                        + String.join(", ", Waterbirds.SPLITS));
            }
            Waterbirds birds = Waterbirds.open(dir).split(index);
            return boxes == null
                    ? new EvalData("waterbirds " + dir, s, birds)
                    : new EvalData(
                            "waterbirds " + dir + " with boxes " + boxes,
                            s,
                            BoxList.read(boxes).attach(birds));
        }
        if (layout == DataLayout.FASHION_MNIST) {
            return fashionMnist(FashionMnist.load(dir), "fashion-mnist " + dir, split);
        }
        String s = split == null ? "val" : split;
        ImageFolder folder = ImageFolder.open(dir, s);
        return boxes == null
                ? new EvalData("image-folder " + dir, s, folder)
                : new EvalData(
                        "image-folder " + dir + " with boxes " + boxes,
                        s,
                        BoxList.read(boxes).attach(folder));
    }

    private static EvalData fashionMnist(FashionMnist f, String description, String split) {
        String s = split == null ? "test" : split;
        return switch (s) {
            case "test" -> new EvalData(description, s, f.test());
            case "train" -> new EvalData(description, s, f.train());
            default ->
                throw new IllegalArgumentException(
                        "--split " + s + " is not a Fashion-MNIST split; expected " + "test or train");
        };
    }
}
