package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.nn.models.BcosModel;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * In explanation mode (eval norms) a B-cos net is dynamic-linear: y_c = Σ W_c(x) ⊙ x + b for every class. DenseNets
 * at growth rate 2 (the smallest width that keeps every layer), so the fixed depths stay fast. In float64, to 1e-6 of
 * max |y_c − b|: untrained deep B-cos nets give class evidence of 1e-7..1e-3 next to b = −log 4, which float32
 * cannot resolve.
 */
class DynamicLinearityTest {
    /** Tiny options for a B-cos id: small stem, base 8, and growth 2 for DenseNets. */
    static Map<String, String> tiny(String id) {
        return id.contains("densenet")
                ? Map.of("stem", "small", "base", "8", "growth", "2")
                : Map.of("stem", "small", "base", "8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bcos_resnet18", "bcos_resnet34", "bcos_resnet50", "bcos_densenet121", "bcos_densenet169"})
    void logitsEqualContributionSumsPlusBias(String id) {
        try (NDManager m = NDManager.newBaseManager()) {
            int classes = 5;
            BcosModel model = (BcosModel) Models.create(id, classes, tiny(id), m);
            model.toFloatType(DataType.FLOAT64);
            NDArray rgb = m.randomUniform(0, 1, new Shape(2, 3, 16, 16)).toType(DataType.FLOAT64, false);
            NDArray x = rgb.concat(rgb.neg().add(1), 1);
            Trace trace = new Trace();
            NDArray logits = Autograd.noGrad(() -> model.forward(x, trace));
            for (int c = 0; c < classes; c++) {
                NDArray cls = m.full(new Shape(2), c, DataType.INT64);
                NDArray w = Autograd.noGrad(() -> model.explain(trace, cls));
                NDArray reconstructed = w.mul(x).sum(new int[] {1, 2, 3}).add(model.logitBias());
                NDArray yc = logits.get(":, " + c);
                double scale = Close.maxAbs(yc.sub(model.logitBias()));
                double diff = Close.maxAbsDiff(reconstructed, yc);
                assertTrue(scale > 0, "degenerate logits");
                assertTrue(
                        diff <= 1e-6 * scale,
                        id + " class " + c + ": |Σ W⊙x + b − y| = " + diff + ", max |y − b| = " + scale);
            }
        }
    }
}
