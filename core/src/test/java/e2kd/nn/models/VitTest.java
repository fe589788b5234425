package e2kd.nn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.Fixtures;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.explain.GradCam;
import e2kd.io.PthReader;
import e2kd.io.StateDict;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.Trace;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.Pretrained;
import e2kd.nn.weights.StateDicts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SimpleViTs: dynamic linearity with the embedding's part, GradCAM's closed form, state-dict keys, errors. */
class VitTest {
    private static final Map<String, String> MINIATURE =
            Map.of("patch", "4", "dim", "16", "depth", "2", "heads", "2", "mlp", "32", "image", "16");
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private NDArray random(Shape shape) {
        return m.randomUniform(0, 1, shape).toType(DataType.FLOAT64, false);
    }

    /** Every 1-D parameter (LayerNorm γ, β, biases) drawn in [0.5, 1.5], so the norms are not the identity. */
    private void randomVectors(Model model) {
        Autograd.noGrad(() -> {
            model.parameters().values().stream()
                    .filter(p -> p.getShape().dimension() == 1)
                    .forEach(p -> p.set(m.randomUniform(0.5f, 1.5f, p.getShape())
                            .toType(p.getDataType(), false)
                            .toByteBuffer()));
            return null;
        });
    }

    /**
     * The embedding written out from its definition, (h·w, dim): token n at row n / w, column n % w;
     * [sin(col·ω_k), cos(col·ω_k), sin(row·ω_k), cos(row·ω_k)] with ω_k = exp(−ln(10000)·k/(dim/4 − 1)).
     */
    private NDArray embedding(int h, int w, int dim) {
        int q = dim / 4;
        double[] values = new double[h * w * dim];
        for (int n = 0; n < h * w; n++) {
            for (int part = 0; part < 4; part++) {
                double position = part < 2 ? n % w : n / w;
                for (int k = 0; k < q; k++) {
                    double angle = position * Math.exp(-Math.log(10000) * k / (q - 1));
                    values[n * dim + part * q + k] = part % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
                }
            }
        }
        return m.create(values, new Shape(h * w, dim));
    }

    /**
     * y_c − b − Σ W_c ⊙ x is exactly the positional embedding's contribution Σ G_c ⊙ E, with G_c the transposed pass
     * at the tokens; it is far from zero, so the identity without it would not hold.
     */
    @Test
    void logitsAreContributionsPlusBiasPlusTheEmbeddingsPart() {
        int classes = 5;
        BcosVit model = (BcosVit) Models.create("bcos_vit_ti", classes, MINIATURE, m);
        model.toFloatType(DataType.FLOAT64);
        randomVectors(model);
        NDArray rgb = random(new Shape(2, 3, 16, 16));
        NDArray x = rgb.concat(rgb.neg().add(1), 1);
        Trace trace = new Trace();
        NDArray logits = Autograd.noGrad(() -> model.forward(x, trace, Taps.none()));
        NDArray e = embedding(4, 4, 16);
        for (int c = 0; c < classes; c++) {
            NDArray cls = m.full(new Shape(2), c, DataType.INT64);
            NDArray w = Autograd.noGrad(() -> model.explain(trace, cls));
            NDArray g = Autograd.noGrad(() -> model.tokenExplanation(trace, cls));
            NDArray embeddingPart = g.mul(e).sum(new int[] {1, 2});
            NDArray rest =
                    logits.get(":, " + c).sub(model.logitBias()).sub(w.mul(x).sum(new int[] {1, 2, 3}));
            double scale = Close.maxAbs(logits.get(":, " + c).sub(model.logitBias()));
            Close.absolute(rest, embeddingPart, 1e-9 * scale, "class " + c + ": y − b − Σ W⊙x vs Σ G⊙E");
            assertTrue(Close.maxAbs(embeddingPart) > 1e-3 * scale, "the embedding's part is not negligible");
        }
    }

    /** GradCAM at the last encoder's grid: the closed form through the head's LayerNorm equals double backprop. */
    @Test
    void standardVitGradCamClosedFormEqualsDoubleBackpropInMapAndGradients() {
        Vit model = (Vit) Models.create("vit_ti", 5, MINIATURE, m);
        model.toFloatType(DataType.FLOAT64);
        randomVectors(model);
        model.setTraining(true);
        NDArray x = m.randomNormal(new Shape(2, 3, 16, 16)).toType(DataType.FLOAT64, false);
        NDArray weights = random(new Shape(2, 16, 16));
        assertEquals("encoder_1", model.lastStage());
        Map<String, NDArray> closed = new LinkedHashMap<>();
        NDArray closedMap = gradients(GradCam.lastStage(model), model, x, weights, closed);
        Map<String, NDArray> generic = new LinkedHashMap<>();
        NDArray genericMap = gradients(GradCam.generic(model, "encoder_1"), model, x, weights, generic);
        assertTrue(Close.maxAbs(genericMap) > 0, "degenerate map");
        Close.relative(closedMap, genericMap, 1e-9, "GradCAM map");
        for (String name : generic.keySet()) {
            Close.relative(closed.get(name), generic.get(name), 1e-7, "gradient of " + name);
        }
    }

    private static NDArray gradients(
            Explainer explainer, Model model, NDArray x, NDArray weights, Map<String, NDArray> out) {
        return Autograd.recording(() -> {
            Explained e = explainer.explain(x, ClassChoice.top1());
            NDArray loss = e.map().mul(weights).sum();
            Autograd.zeroGradients(model.parameters().values());
            Autograd.backward(loss, false);
            model.parameters()
                    .forEach((name, p) -> out.put(name, p.getGradient().duplicate()));
            return e.map().duplicate();
        });
    }

    /** The authors' file loads with its 0. keys and without them; export writes the 0. keys back. */
    @Test
    void authorsStateDictLoadsWithOrWithoutTheSequentialPrefixAndExportsItsKeys() {
        StateDict file = PthReader.read(Fixtures.path("authors-vit/student.pth"));
        Map<String, String> notInFile = Map.of("heads", "2", "image", "24");
        Model prefixed = Pretrained.build(file, "bcos_vit_ti", notInFile, m);
        Model plain = Pretrained.build(file.stripPrefix("0."), "bcos_vit_ti", notInFile, m);
        assertEquals(
                Map.of(
                        "patch",
                        "4",
                        "dim",
                        "16",
                        "depth",
                        "2",
                        "heads",
                        "2",
                        "mlp",
                        "32",
                        "image",
                        "24",
                        "in_channels",
                        "6"),
                prefixed.spec().options().asMap(),
                "options read off the file");
        assertEquals(7, prefixed.spec().numClasses());
        assertEquals(file.keys(), StateDicts.of(prefixed).keys(), "exported keys");
        NDArray x = Fixtures.npy(m, "authors-bcos/x.npy").toType(DataType.FLOAT32, false);
        NDArray reference = Fixtures.npy(m, "authors-vit/student_eval_logits.npy");
        for (Model model : new Model[] {prefixed, plain}) {
            Close.absolute(Autograd.noGrad(() -> model.forward(x)), reference, 1e-4, "logits");
        }
        Model renamed = Pretrained.withNewHead(prefixed, 3, m);
        assertEquals(3, renamed.spec().numClasses());
        Close.absolute(
                renamed.stateDict().get("0.transformer.encoder_1.attn.to_qkv.weight"),
                prefixed.stateDict().get("0.transformer.encoder_1.attn.to_qkv.weight"),
                0,
                "body kept");
    }

    @Test
    void badOptionsAndInputsAreOneLineErrors() {
        assertEquals(
                "option dim=20 is not a multiple of heads=3",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Models.create("vit_s", 3, Map.of("dim", "20", "heads", "3"), m))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.create("vit_s", 3, Map.of("depht", "2"), m));
        Model vit = Models.create("bcos_vit_ti", 3, MINIATURE, m);
        String message = assertThrows(
                        IllegalArgumentException.class, () -> vit.forward(m.zeros(new Shape(1, 6, 18, 16))))
                .getMessage();
        assertTrue(message.contains("18x16") && message.contains("patch 4"), message);
    }
}
