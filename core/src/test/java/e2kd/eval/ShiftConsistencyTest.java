package e2kd.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Taps;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Shift-consistency against hand-computed cosines: a map that moves with the content and one fixed to the crop. */
class ShiftConsistencyTest {
    private static final int P = 3;

    /** An Input×Gradient-named explainer whose map is {@code map(x)}, so its contribution map is Σ_c map(x). */
    private static Explainer fake(UnaryOperator<NDArray> map) {
        return new Explainer() {
            @Override
            public Explained explain(NDArray x, ClassChoice choice, Taps taps) {
                NDArray logits = x.getManager().zeros(new Shape(x.getShape().get(0), 2), x.getDataType());
                return new Explained(logits, choice.choose(logits), map.apply(x));
            }

            @Override
            public String name() {
                return "ixg";
            }
        };
    }

    @Test
    void aMapThatMovesWithTheContentIsFullyConsistent() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomUniform(0.1f, 1, new Shape(2, 2, 8, 7)).toType(DataType.FLOAT64, false);
            for (double c : ShiftConsistency.cosineSums(fake(v -> v), x, P)) {
                assertEquals(2, c, 1e-12, "two images, cosine 1 each");
            }
        }
    }

    /**
     * Map = 1 + the row index inside the crop (fixed to the crop, not the content). Shift (dx, dy): the shared rows are
     * rows dy … H−p−1 of the first crop (values dy+1 … H−p) and rows 0 … H−p−dy−1 of the second (values 1 … H−p−dy),
     * every column alike, so the cosine is that of those two integer ranges.
     */
    @Test
    void aMapFixedToTheCropGivesTheHandComputedCosinePerShift() {
        try (NDManager m = NDManager.newBaseManager()) {
            int height = 8;
            NDArray x = m.zeros(new Shape(1, 1, height, 7), DataType.FLOAT64);
            Explainer rows = fake(v -> m.arange(1, v.getShape().get(2) + 1)
                    .toType(DataType.FLOAT64, false)
                    .reshape(1, 1, -1, 1)
                    .broadcast(v.getShape()));
            double[] sums = ShiftConsistency.cosineSums(rows, x, P);
            int h = height - P;
            for (int i = 1; i < P * P; i++) {
                int dy = i / P;
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int r = 0; r < h - dy; r++) {
                    double a = dy + r + 1;
                    double b = r + 1;
                    dot += a * b;
                    na += a * a;
                    nb += b * b;
                }
                assertEquals(dot / Math.sqrt(na * nb), sums[i - 1], 1e-12, "shift dy=" + dy + ", dx=" + i % P);
            }
        }
    }

    @Test
    void imagesNoLargerThanThePatchAreAOneLineError() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 1, 3, 8), DataType.FLOAT64);
            assertEquals(
                    "shift-consistency with patch 3 needs images larger than 3 px and a patch of at least 2, got 3x8",
                    assertThrows(IllegalArgumentException.class, () -> ShiftConsistency.cosineSums(fake(v -> v), x, P))
                            .getMessage());
        }
    }
}
