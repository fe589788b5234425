package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.nn.CamModel;
import e2kd.nn.Model;
import e2kd.nn.ModelFamily;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.Taps;
import e2kd.nn.models.CnnOptions;
import e2kd.nn.models.Models;
import e2kd.nn.models.ResNet;
import e2kd.nn.ops.Autograd;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradCamTest {
    @Test
    void closedFormEqualsDoubleBackpropOnResNet18() {
        try (NDManager m = NDManager.newBaseManager()) {
            ResNet model = (ResNet) Models.create("resnet18", 5, Map.of("stem", "small", "base", "8"), m);
            model.toFloatType(DataType.FLOAT64);
            NDArray x = m.randomNormal(new Shape(3, 3, 24, 24)).toType(DataType.FLOAT64, false);
            Explained closed = Autograd.recording(() -> GradCam.lastStage(model).explain(x, ClassChoice.top1()));
            Explained generic =
                    Autograd.recording(() -> GradCam.generic(model, "layer4").explain(x, ClassChoice.top1()));
            Close.absolute(closed.map(), generic.map(), 1e-5 * Math.max(1, Close.maxAbs(generic.map())), "GradCAM");
        }
    }

    /** Features = 2×2 average pooling of the input (2 channels), head = global average pool + linear, known weights. */
    private static final class Toy extends Model implements CamModel {
        private final NDArray weight;

        Toy(NDArray weight) {
            super(new ModelSpec("toy", ModelFamily.STANDARD, 2, new CnnOptions(CnnOptions.Stem.SMALL, 2, 2)));
            this.weight = weight;
            weight.setRequiresGradient(true);
        }

        @Override
        public NDArray forward(NDArray x, Taps taps) {
            NDArray pooled =
                    ai.djl.nn.pooling.Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true);
            NDArray a = taps.at("features", pooled);
            return e2kd.nn.layers.GlobalAvgPool.of(a).matMul(weight.transpose());
        }

        @Override
        public List<String> tapNames() {
            return List.of("features");
        }

        @Override
        public String lastStage() {
            return "features";
        }

        @Override
        public NDArray gradCamWeights(NDArray rows, NDArray stage) {
            return CamModel.pooledLinearWeights(rows, weight, stage);
        }

        @Override
        public Module module() {
            return this;
        }
    }

    @Test
    void bothRoutesEqualAHandComputationOnA2ChannelToyNet() {
        try (NDManager m = NDManager.newBaseManager()) {
            // A_1 = [[1,2],[3,4]], A_2 = [[0,1],[1,0]]; class 0 weights (1, −2): α = (1/4, −1/2)
            NDArray x = m.create(
                    new double[] { // 4×4 input whose 2×2 block means are A
                        1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
                        0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0
                    },
                    new Shape(1, 2, 4, 4));
            Toy toy = new Toy(m.create(new double[] {1, -2, 0.5, 0.5}, new Shape(2, 2)));
            // Σ α_k A_k = [[0.25, 0], [0.25, 1]] (already ≥ 0), then bilinear 2→4 with align_corners=false:
            // each axis maps [p, q] to [p, .75p+.25q, .25p+.75q, q].
            double[][] cam = {{0.25, 0}, {0.25, 1}};
            double[] expected = new double[16];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    double[] row = {interp(cam[0][0], cam[1][0], i), interp(cam[0][1], cam[1][1], i)};
                    expected[4 * i + j] = interp(row[0], row[1], j);
                }
            }
            for (Explainer e : List.of(GradCam.lastStage(toy), GradCam.generic(toy, "features"))) {
                Explained out = Autograd.recording(() -> e.explain(x, ClassChoice.fixed(m.create(new long[] {0}))));
                assertArrayEquals(expected, out.map().toDoubleArray(), 1e-12, e.name());
            }
        }
    }

    /**
     * DJL 0.36 ignores interpolation's alignCorners flag (the bilinear result is align_corners=false either way);
     * GradCAM relies on the false behaviour, so this fails if a DJL upgrade starts honouring the flag.
     */
    @Test
    void bilinearInterpolationIgnoresAlignCorners() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new double[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
            for (boolean alignCorners : new boolean[] {false, true}) {
                double[] out = ((ai.djl.pytorch.engine.PtNDArrayEx) a.getNDArrayInternal())
                        .interpolation(new long[] {4, 4}, 1, alignCorners)
                        .toDoubleArray();
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        double expected = interp(interp(0, 2, i), interp(1, 3, i), j);
                        assertEquals(
                                expected, out[4 * i + j], 1e-15, "alignCorners=" + alignCorners + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    private static double interp(double p, double q, int i) {
        return switch (i) {
            case 0 -> p;
            case 1 -> 0.75 * p + 0.25 * q;
            case 2 -> 0.25 * p + 0.75 * q;
            default -> q;
        };
    }
}
