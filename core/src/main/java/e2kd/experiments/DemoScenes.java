package e2kd.experiments;

import e2kd.data.CompositeScenes;
import e2kd.data.FashionMnist;
import e2kd.data.FewShot;
import e2kd.data.LabeledDataset;
import e2kd.data.Waterbirds;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's shortcut scenes (Waterbirds layout) from the embedded Fashion-MNIST subset. The teacher's scenes put
 * every item on a background independent of its class (correlation 0), so the teacher must look at the item; the
 * students' training scenes put every class on its own background, always (correlation 1); their validation scenes
 * and the test scenes are background-independent again (as Waterbirds' validation and test splits are balanced), so
 * most test scenes are out of distribution for the students and settings and best epochs are chosen on scenes where
 * the shortcut does not pay.
 */
public final class DemoScenes {
    /** Teacher scenes: background independent of the class. */
    static final double TEACHER_CORRELATION = 0;
    /** Student training scenes: each class always on its own background. */
    static final double STUDENT_CORRELATION = 1;
    /**
     * Student validation scenes: background independent of the class. Validation scenes drawn like the training
     * scenes reward the shortcut: selecting λ on them picked the smallest λ (docs/RESULTS.md, shortcut).
     */
    static final double STUDENT_VALIDATION_CORRELATION = 0;
    /** Test scenes: background independent of the class. */
    static final double TEST_CORRELATION = 0;

    private DemoScenes() {}

    /** Teacher scenes: {@code shots} training and {@code val} validation items per class, {@code test} test items. */
    public static void teacher(Path dir, int shots, int val, int test, long seed) {
        write(
                dir,
                FashionMnist.embedded(),
                CompositeScenes.shortcut(seed),
                shots,
                val,
                test,
                TEACHER_CORRELATION,
                seed);
    }

    /** Student scenes: {@code shots} training and {@code val} validation items per class, {@code test} test items. */
    public static void student(Path dir, int shots, int val, int test, long seed) {
        student(dir, FashionMnist.embedded(), shots, val, test, seed);
    }

    /** As {@link #student(Path, int, int, int, long)}, from {@code fmnist}'s images. */
    static void student(Path dir, FashionMnist fmnist, int shots, int val, int test, long seed) {
        write(
                dir,
                fmnist,
                CompositeScenes.shortcut(seed),
                shots,
                val,
                test,
                STUDENT_CORRELATION,
                STUDENT_VALIDATION_CORRELATION,
                seed);
    }

    /**
     * Renders {@code shots} training and {@code val} validation items per class of {@code fmnist}'s training set (few-
     * shot draw by {@code seed}) with the class/background {@code correlation}, and {@code test} test items per class
     * on backgrounds independent of the class, into the Waterbirds layout under {@code dir}.
     */
    static void write(
            Path dir,
            FashionMnist fmnist,
            CompositeScenes scenes,
            int shots,
            int val,
            int test,
            double correlation,
            long seed) {
        write(dir, fmnist, scenes, shots, val, test, correlation, correlation, seed);
    }

    /**
     * As {@link #write(Path, FashionMnist, CompositeScenes, int, int, int, double, long)}, with its own class/background
     * correlation for the validation scenes (real Waterbirds: correlated training split, balanced validation split).
     */
    static void write(
            Path dir,
            FashionMnist fmnist,
            CompositeScenes scenes,
            int shots,
            int val,
            int test,
            double correlation,
            double valCorrelation,
            long seed) {
        FewShot.Split train = FewShot.split(fmnist.train().labels(), shots, val, seed);
        LabeledDataset testItems = fmnist.test()
                .subset(FewShot.split(fmnist.test().labels(), test, 0, seed).train());
        scenes.write(
                dir,
                FashionMnist.CLASS_NAMES,
                List.of(
                        new CompositeScenes.Part(
                                Waterbirds.TRAIN, fmnist.train().subset(train.train()), correlation),
                        new CompositeScenes.Part(Waterbirds.VAL, fmnist.train().subset(train.val()), valCorrelation),
                        new CompositeScenes.Part(Waterbirds.TEST, testItems, TEST_CORRELATION)));
    }
}
