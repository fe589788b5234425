package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoopTranslator;
import e2kd.Close;
import e2kd.nn.models.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every model is usable as a DJL Block: PyTorch keys as parameter names, DJL's Predictor gives the same logits. */
class ModelBlockTest {
    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "bcos_resnet18"})
    void predictorMatchesForwardAndKeysAreTorchKeys(String id) throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                ai.djl.Model djl = ai.djl.Model.newInstance("e2kd-" + id)) {
            Model model = Models.create(id, 5, Map.of("stem", "small", "base", "4"), m);
            ModelBlock block = new ModelBlock(model);
            List<String> names = new ArrayList<>(block.getParameters().keys());
            assertEquals(new ArrayList<>(model.stateDict().keySet()), names);
            for (Parameter p : block.getParameters().values()) {
                assertSame(model.stateDict().get(p.getName()), p.getArray(), p.getName());
                assertEquals(model.parameters().containsKey(p.getName()), p.requiresGradient(), p.getName());
            }
            djl.setBlock(block);
            int channels = model.spec().options().inChannels();
            NDArray x = m.randomUniform(0, 1, new Shape(2, channels, 16, 16));
            model.setTraining(false);
            NDArray expected = model.forward(x);
            try (Predictor<NDList, NDList> predictor = djl.newPredictor(new NoopTranslator())) {
                NDArray logits = predictor.predict(new NDList(x)).singletonOrThrow();
                assertEquals(new Shape(2, 5), logits.getShape());
                Close.absolute(logits, expected, 0, "logits through DJL's Predictor");
            }
            assertEquals(new Shape(2, 5), block.getOutputShapes(new Shape[] {x.getShape()})[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bcos_resnet18"})
    void wrongInputShapeIsANamedError(String id) {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelBlock block = new ModelBlock(Models.create(id, 5, Map.of("stem", "small", "base", "4"), m));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 3, 16, 16)));
            assertEquals("model bcos_resnet18 expects one input (B, 6, H, W), got [(1, 3, 16, 16)]", e.getMessage());
        }
    }
}
