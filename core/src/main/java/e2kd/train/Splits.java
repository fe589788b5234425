package e2kd.train;

import e2kd.data.FashionMnist;
import e2kd.data.FewShot;
import e2kd.data.ImageFolder;
import e2kd.data.LabeledDataset;
import e2kd.data.PerClass;
import e2kd.data.VocDataset;
import e2kd.data.Waterbirds;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * The three splits of a run: training and validation subsets of the training data ({@link FewShot}, the config's
 * seed; {@code shots_per_class} and {@code val_per_class} each a count, a fraction, or {@code all} training images)
 * and the test split (Fashion-MNIST test, or an image folder's or a PASCAL VOC folder's {@code val}), optionally
 * truncated to its first {@code test_limit} samples. With {@code val_per_class: own} an image folder or VOC folder
 * validates on all of {@code val} and tests on {@code test}. A VOC folder's splits are the id lists
 * {@code ImageSets/Main/train.txt}, {@code val.txt} and {@code test.txt}; its few-shot counts go by each image's
 * label (its largest object's class). A Waterbirds-layout folder ({@code data: waterbirds}) has its own splits: the shots come
 * from its train split, the validation images from its val split ({@code own}: all of it), the test split is its
 * test split.
 * {@code trainIndices[i]} is training sample i's index in the full training data (the Waterbirds train split; how
 * frozen teacher outputs are looked up). Opening lists files and decodes none: an unreadable image is found (and,
 * with {@code skip_bad_images}, skipped) by the loader that first reads it.
 */
public record Splits(LabeledDataset train, LabeledDataset val, LabeledDataset test, int[] trainIndices) {
    public int numClasses() {
        return train.classNames().size();
    }

    /** Given splits: all of {@code train} is trained on (sample i is training index i). */
    public static Splits of(LabeledDataset train, LabeledDataset val, LabeledDataset test) {
        if (!train.classNames().equals(val.classNames()) || !train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train, val and test splits name different classes: "
                    + train.classNames() + ", " + val.classNames() + ", " + test.classNames());
        }
        return new Splits(train, val, test, IntStream.range(0, train.size()).toArray());
    }

    public static Splits open(TrainConfig c) {
        if ("waterbirds".equals(c.data())) {
            return waterbirds(c);
        }
        LabeledDataset trainSource;
        LabeledDataset test;
        LabeledDataset ownVal = null;
        if ("fashion-mnist".equals(c.data())) {
            if (c.ownValidation()) {
                throw new IllegalArgumentException("config val_per_class=own: Fashion-MNIST has no validation split of "
                        + "its own; give a count or a fraction of the training data");
            }
            FashionMnist f = c.dataDir().isBlank() ? FashionMnist.embedded() : FashionMnist.load(Path.of(c.dataDir()));
            trainSource = f.train();
            test = f.test();
        } else {
            if (c.dataDir().isBlank()) {
                throw new IllegalArgumentException("config data=" + c.data() + " needs data_dir (or --data DIR)");
            }
            Path root = Path.of(c.dataDir());
            java.util.function.Function<String, LabeledDataset> split = TrainConfig.VOC.equals(c.data())
                    ? name -> VocDataset.open(root, name)
                    : name -> ImageFolder.open(root, name);
            trainSource = split.apply("train");
            test = split.apply("val");
            if (c.ownValidation()) {
                ownVal = test;
                test = split.apply("test");
            }
        }
        if (ownVal != null) {
            int[] shots = FewShot.split(trainSource.labels(), c.shots(), PerClass.of(0), c.seed())
                    .train();
            return new Splits(trainSource.subset(shots), ownVal, limited(test, c), shots);
        }
        FewShot.Split split = FewShot.split(trainSource.labels(), c.shots(), c.validation(), c.seed());
        return new Splits(
                trainSource.subset(split.train()), trainSource.subset(split.val()), limited(test, c), split.train());
    }

    private static Splits waterbirds(TrainConfig c) {
        if (c.dataDir().isBlank()) {
            throw new IllegalArgumentException(
                    "config data=waterbirds needs data_dir (or --data DIR with metadata.csv)");
        }
        Waterbirds all = Waterbirds.open(Path.of(c.dataDir()));
        LabeledDataset train = all.split(Waterbirds.TRAIN);
        LabeledDataset val = all.split(Waterbirds.VAL);
        int[] shots = FewShot.split(train.labels(), c.shots(), PerClass.of(0), c.seed())
                .train();
        LabeledDataset validation = c.ownValidation()
                ? val
                : val.subset(FewShot.split(val.labels(), c.validation(), PerClass.of(0), c.seed())
                        .train());
        return new Splits(train.subset(shots), validation, limited(all.split(Waterbirds.TEST), c), shots);
    }

    private static LabeledDataset limited(LabeledDataset test, TrainConfig c) {
        return c.testLimit() > 0 && c.testLimit() < test.size()
                ? test.subset(IntStream.range(0, c.testLimit()).toArray())
                : test;
    }
}
