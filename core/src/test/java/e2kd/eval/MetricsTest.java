package e2kd.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.data.Batch;
import e2kd.data.Box;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.data.EvalTransform;
import e2kd.data.Image;
import e2kd.data.ImageBoxes;
import e2kd.data.LabeledDataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Top-k and the energy pointing game against hand-computed cases. */
class MetricsTest {
    @Test
    void topFiveByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 7 classes. Row 0: label 6 has the 6th largest logit (5 above) -> miss. Row 1: label 2 is 5th -> hit.
            // Row 2: label 0 is the largest -> hit. Row 3: label 3 (logit 4) has four logits above it and ties with
            // two more; ties favour the label -> hit.
            NDArray logits = m.create(
                    new float[] {
                        7, 6, 5, 4, 3, 1, 2,
                        9, 8, 5, 7, 6, 1, 0,
                        3, 1, 1, 1, 1, 1, 1,
                        5, 5, 5, 4, 5, 4, 4
                    },
                    new Shape(4, 7));
            NDArray labels = m.create(new long[] {6, 2, 0, 3}).oneHot(7);
            assertEquals(3, Accuracy.topK(logits, labels, 5));
            assertEquals(1, Accuracy.topK(logits, labels, 1));
            assertEquals(4, Accuracy.topK(logits, labels, 7));
            assertEquals(1, Accuracy.top1(logits, labels)); // row 3's argmax is class 0, the first of the tie
            assertThrows(IllegalArgumentException.class, () -> Accuracy.topK(logits, labels, 0));
        }
    }

    /** Multi-label rows: a prediction counts when it is any of the row's classes. */
    @Test
    void topKOfSeveralClassesByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(
                    new float[] {
                        7, 6, 5, 4, 3, 1, 2,
                        9, 8, 5, 7, 6, 1, 0
                    },
                    new Shape(2, 7));
            // row 0: classes 5 and 6 (logits 1 and 2): the better, 6, has 5 logits above it -> top-6, not top-5;
            // row 1: classes 1 and 6: 1 is the 2nd largest -> top-2, and not top-1 (argmax is class 0)
            NDArray targets = m.create(
                    new float[] {
                        0, 0, 0, 0, 0, 1, 1,
                        0, 1, 0, 0, 0, 0, 1
                    },
                    new Shape(2, 7));
            assertEquals(0, Accuracy.top1(logits, targets));
            assertEquals(1, Accuracy.topK(logits, targets, 2));
            assertEquals(1, Accuracy.topK(logits, targets, 5));
            assertEquals(2, Accuracy.topK(logits, targets, 6));
            NDArray first = m.create(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0}, new Shape(2, 7));
            assertEquals(1, Accuracy.top1(logits, first)); // row 0's argmax 0 is labelled, row 1's is not
        }
    }

    @Test
    void epgByHandWithABoxOffTheDiagonal() {
        // Image 3 rows x 4 columns. Box x in [1,3), y in [0,1): row 0, columns 1 and 2 only.
        Image mask = new ImageBoxes(3, 4, List.of(new Box(1, 0, 3, 1))).mask();
        assertArrayEquals(
                new float[] {
                    0, 1, 1, 0,
                    0, 0, 0, 0,
                    0, 0, 0, 0
                },
                mask.data());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray attribution = m.create(
                    new float[] {
                        1, 2, -5, 0,
                        0, 3, 0, -1,
                        4, 0, 0, 0
                    },
                    new Shape(1, 3, 4));
            // positive total 1+2+3+4 = 10; inside: 2 + max(-5,0) = 2 -> 0.2.
            // With x and y swapped the box would cover rows 1-2 of column 0: 0+4 = 4 -> 0.4.
            double[] epg = EnergyPointingGame.perSample(attribution, m.create(mask.data(), new Shape(1, 3, 4)));
            assertEquals(0.2, epg[0], 1e-12);
        }
    }

    @Test
    void epgIsUndefinedWithoutPositiveEnergyOrBox() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray attribution = m.create(new float[] {-1, -2, 0, 0, 3, 1, 0, 0}, new Shape(2, 2, 2));
            NDArray masks = m.create(new float[] {1, 1, 0, 0, 0, 0, 0, 0}, new Shape(2, 2, 2));
            double[] epg = EnergyPointingGame.perSample(attribution, masks);
            assertTrue(Double.isNaN(epg[0]) && Double.isNaN(epg[1]));
        }
    }

    @Test
    void boxesFollowTheImageThroughResizeAndCentreCrop() {
        // An 8x16 (rows x columns) image with a box on its right half, top rows: x in [8,16), y in [0,4).
        // EvalTransform(4, 4): shorter side 8 -> 4, so 4x8; centre crop 4x4 starts at column 2.
        // Scaled box: x in [4,8), y in [0,2) -> in the crop, columns 2-3 and rows 0-1. The box's edges fall between
        // output pixels, so plain and antialiased bilinear give the same mask: column 2 is 7/8 inside (antialiased;
        // 1 plain), column 1 1/8 (0), row 1 7/8 (1), row 2 1/8 (0).
        ImageBoxes boxes = new ImageBoxes(8, 16, List.of(new Box(8, 0, 16, 4)));
        LabeledDataset one = new LabeledDataset() {
            @Override
            public int size() {
                return 1;
            }

            @Override
            public Image image(int index) {
                return Image.zeros(3, 8, 16);
            }

            @Override
            public int label(int index) {
                return 0;
            }

            @Override
            public List<String> classNames() {
                return List.of("a", "b");
            }
        };
        DataLoader loader = DataLoader.builder(one, 1)
                .augmentation(new EvalTransform(4, 4))
                .maps(i -> boxes.mask())
                .prefetch(0)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                EpochIterator it = loader.epoch(0, m);
                Batch b = it.next()) {
            float[] mask = b.maps()
                    .orElseThrow()
                    .gte(0.5f)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toFloatArray();
            assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, mask);
        }
    }
}
