package e2kd.train;

import e2kd.data.FashionMnist;
import e2kd.data.FewShot;
import e2kd.data.ImageFolder;
import e2kd.data.LabeledDataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The three splits of a run: few-shot training and validation subsets of the training data ({@link FewShot}, the
 * config's seed) and the test split (Fashion-MNIST test, or an image folder's {@code val}), optionally truncated to
 * its first {@code test_limit} samples. {@code trainIndices[i]} is training sample i's index in the full training
 * data (how frozen teacher outputs are looked up); {@code skipped} lists image files dropped as unreadable
 * ({@code skip_bad_images}).
 */
public record Splits(LabeledDataset train, LabeledDataset val, LabeledDataset test, int[] trainIndices,
                     List<Path> skipped) {
    public int numClasses() {
        return train.classNames().size();
    }

    public static Splits open(TrainConfig c) {
        LabeledDataset trainSource;
        LabeledDataset test;
        List<Path> skipped = new ArrayList<>();
        if ("fashion-mnist".equals(c.data())) {
            FashionMnist f = c.dataDir().isBlank() ? FashionMnist.embedded() : FashionMnist.load(Path.of(c.dataDir()));
            trainSource = f.train();
            test = f.test();
        } else {
            if (c.dataDir().isBlank()) {
                throw new IllegalArgumentException("config data=image-folder needs data_dir (or --data DIR)");
            }
            ImageFolder train = ImageFolder.open(Path.of(c.dataDir()), "train", c.skipBadImages());
            ImageFolder val = ImageFolder.open(Path.of(c.dataDir()), "val", c.skipBadImages());
            skipped.addAll(train.skippedFiles());
            skipped.addAll(val.skippedFiles());
            trainSource = train;
            test = val;
        }
        FewShot.Split split = FewShot.split(trainSource.labels(), c.shotsPerClass(), c.valPerClass(), c.seed());
        if (c.testLimit() > 0 && c.testLimit() < test.size()) {
            test = test.subset(IntStream.range(0, c.testLimit()).toArray());
        }
        return new Splits(trainSource.subset(split.train()), trainSource.subset(split.val()), test, split.train(),
                List.copyOf(skipped));
    }
}
