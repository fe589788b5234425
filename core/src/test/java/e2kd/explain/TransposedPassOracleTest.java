package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.distill.Objective;
import e2kd.nn.BcosClassifier;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The explicit transposed pass equals the two-stream double-backprop oracle — the map and the e²KD loss gradient of
 * every parameter — on every B-cos model, ImageNet stem (stride-2 convs, AvgPool stem, 1×1 stride-2 downsampling;
 * DenseNets: concatenations, 2×2 transition pools, at 40 px so one pool sees an odd size and drops a row), float64.
 * ResNets run their norms in training mode. DenseNets run them in eval mode with random running variances and γ:
 * at test widths (growth 2, batch 2) 82 training-mode uncentered norms on nearly constant features blow the
 * activations up (logits to 1e5) and the parameter gradients overflow to NaN in either route for some inputs.
 * B-cos ViTs in miniature (patch 4, dim 16, 2 blocks, 16 px: attention, LayerNorms, residual sums) in training
 * mode with γ in [0.5, 1.5]. The transposed pass runs no create_graph backward; the oracle does.
 */
class TransposedPassOracleTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "bcos_resnet18",
                "bcos_resnet34",
                "bcos_resnet50",
                "bcos_densenet121",
                "bcos_densenet169",
                "bcos_vit_ti",
                "bcos_vit_s"
            })
    void mapAndGradientsAgree(String id) {
        try (NDManager m = NDManager.newBaseManager()) {
            boolean dense = id.contains("densenet");
            boolean vit = id.contains("vit");
            Map<String, String> options = vit
                    ? Map.of(
                            "patch",
                            "4",
                            "dim",
                            "16",
                            "depth",
                            "2",
                            "heads",
                            id.endsWith("_s") ? "4" : "2",
                            "mlp",
                            "24",
                            "image",
                            "16")
                    : dense ? Map.of("base", "8", "growth", "2") : Map.of("base", "8");
            BcosClassifier bcos = (BcosClassifier) Models.create(id, 4, options, m);
            Model model = bcos.model();
            int size = dense ? 40 : vit ? 16 : 32;
            model.toFloatType(DataType.FLOAT64);
            if (dense || vit) {
                randomNormStatistics(model, m);
            }
            model.setTraining(!dense);
            NDArray rgb = m.randomUniform(0, 1, new Shape(2, 3, size, size)).toType(DataType.FLOAT64, false);
            NDArray x = rgb.concat(rgb.neg().add(1), 1);
            NDArray teacherLogits = m.randomNormal(new Shape(2, 4)).toType(DataType.FLOAT64, false);
            NDArray teacherMap = m.randomNormal(new Shape(2, 6, size, size)).toType(DataType.FLOAT64, false);
            NDArray classes = m.create(new long[] {1, 3});

            Map<String, NDArray> viaTranspose = new LinkedHashMap<>();
            long createGraph = Autograd.createGraphBackwards();
            NDArray mapT =
                    lossGradients(new BcosExplainer(bcos), model, x, classes, teacherLogits, teacherMap, viaTranspose);
            assertEquals(createGraph, Autograd.createGraphBackwards(), "create_graph backwards in the transposed pass");
            Map<String, NDArray> viaOracle = new LinkedHashMap<>();
            NDArray mapO = lossGradients(
                    new BcosAutogradExplainer(bcos), model, x, classes, teacherLogits, teacherMap, viaOracle);
            assertTrue(Autograd.createGraphBackwards() > createGraph, "the oracle's double backprop is counted");

            Close.relative(mapT, mapO, 1e-6, id + " W(x)");
            for (String name : viaOracle.keySet()) {
                Close.relative(viaTranspose.get(name), viaOracle.get(name), 1e-6, id + " gradient of " + name);
            }
        }
    }

    /**
     * running_var in [0.5, 2] and γ in [0.5, 1.5] for every norm, so that eval-mode norms are not the identity (a
     * ViT's LayerNorms: γ only).
     */
    private static void randomNormStatistics(Model model, NDManager m) {
        Autograd.noGrad(() -> {
            model.buffers().forEach((name, b) -> {
                if (name.endsWith("running_var")) {
                    b.set(m.randomUniform(0.5f, 2f, b.getShape())
                            .toType(b.getDataType(), false)
                            .toByteBuffer());
                }
            });
            model.parameters().forEach((name, p) -> {
                if (p.getShape().dimension() == 1) {
                    p.set(m.randomUniform(0.5f, 1.5f, p.getShape())
                            .toType(p.getDataType(), false)
                            .toByteBuffer());
                }
            });
            return null;
        });
    }

    private static NDArray lossGradients(
            Explainer explainer,
            Model model,
            NDArray x,
            NDArray classes,
            NDArray teacherLogits,
            NDArray teacherMap,
            Map<String, NDArray> out) {
        return Autograd.recording(() -> {
            Explained s = explainer.explain(x, ClassChoice.fixed(classes));
            NDArray loss = Objective.e2kd(2, 1)
                    .compute(teacherLogits, s.logits(), teacherMap, s.map(), null)
                    .total();
            Autograd.zeroGradients(model.parameters().values());
            Autograd.backward(loss, false);
            model.parameters()
                    .forEach((name, p) -> out.put(name, p.getGradient().duplicate()));
            return s.map().duplicate();
        });
    }
}
