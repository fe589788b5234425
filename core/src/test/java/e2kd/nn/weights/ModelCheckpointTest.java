package e2kd.nn.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.io.E2kdIoException;
import e2kd.nn.InputContract;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint alone rebuilds the model: same spec, contract, state dict and outputs. */
class ModelCheckpointTest {
    @Test
    void roundTrip(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create("bcos_resnet18", 4, Map.of("stem", "small", "base", "4"), m);
            InputContract contract = Models.contract("bcos_resnet18", 16);
            Path file = dir.resolve("model.ckpt");
            ModelCheckpoint.save(file, model, contract, null, Map.of());
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(file, m);
            assertEquals(model.spec(), loaded.model().spec());
            assertEquals(contract, loaded.input());
            for (Map.Entry<String, NDArray> e : model.stateDict().entrySet()) {
                assertEquals(e.getValue(), loaded.model().stateDict().get(e.getKey()), e.getKey());
            }
            NDArray x = m.randomUniform(0, 1, new Shape(2, 6, 16, 16));
            Close.absolute(loaded.model().forward(x), model.forward(x), 0, "logits");
        }
    }

    @Test
    void truncatedFileIsANamedError(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create("resnet18", 3, Map.of("stem", "small", "base", "4"), m);
            Path file = dir.resolve("cut.ckpt");
            ModelCheckpoint.save(file, model, Models.contract("resnet18", 16), null, Map.of());
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            String msg = assertThrows(E2kdIoException.class, () -> ModelCheckpoint.load(file, m))
                    .getMessage();
            assertTrue(msg.startsWith(file.toString()), msg);
        }
    }
}
