package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import e2kd.Close;
import e2kd.Fixtures;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Scopes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One folder of ground truth from the authors' code under src/test/resources ({@code authors-bcos},
 * {@code authors-gradcam}): float64 models, arrays, {@code loss.json}, and the checks shared by the tests on it.
 */
final class AuthorsFixture implements AutoCloseable {
    private final String dir;
    private final NDManager manager = NDManager.newBaseManager();

    AuthorsFixture(String dir) {
        this.dir = dir + "/";
    }

    /** Model {@code id} with 7 classes and {@code options}, in float64, loaded from {@code weights} (.npz). */
    <M extends Model> M model(Class<M> type, String id, Map<String, String> options, String weights) {
        M model = type.cast(Models.create(id, 7, options, manager));
        model.toFloatType(DataType.FLOAT64);
        model.loadStateDict(Fixtures.npz(manager, dir + weights));
        return model;
    }

    /** The manager that owns this fixture's arrays (closed with it). */
    NDManager manager() {
        return manager;
    }

    NDArray npy(String name) {
        return Fixtures.npy(manager, dir + name);
    }

    /** {@code loss.json}: τ ({@code tau}), λ ({@code lam}) and the expected {@code loss}, {@code kd}, {@code exp}. */
    JsonNode loss() {
        try (InputStream in = getClass().getResourceAsStream("/" + dir + "loss.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every parameter's accumulated gradient equals {@code student_grads.npz} to {@code rtol} of its scale. */
    void assertGradients(Model student, double rtol) {
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        student.parameters().forEach((key, p) -> gradients.put(key, Scopes.owned(manager, p.getGradient())));
        assertGradients(gradients, rtol);
    }

    /** Each gradient by parameter name equals {@code student_grads.npz} to {@code rtol} of its scale. */
    void assertGradients(Map<String, NDArray> gradients, double rtol) {
        Map<String, NDArray> expected = Fixtures.npz(manager, dir + "student_grads.npz");
        assertEquals(expected.keySet(), gradients.keySet());
        gradients.forEach((key, g) -> Close.relative(g, expected.get(key), rtol, "gradient of " + key));
    }

    /**
     * Every buffer equals {@code student_after_step_buffers.npz}: bit for bit where {@code rtol} gives 0 for its key,
     * else to that relative tolerance.
     */
    void assertBuffers(Model student, ToDoubleFunction<String> rtol) {
        Map<String, NDArray> buffers = Fixtures.npz(manager, dir + "student_after_step_buffers.npz");
        Map<String, NDArray> own = student.buffers();
        assertEquals(buffers.keySet(), own.keySet());
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            double tolerance = rtol.applyAsDouble(e.getKey());
            if (tolerance > 0) {
                Close.relative(own.get(e.getKey()), e.getValue(), tolerance, "buffer " + e.getKey());
            } else {
                assertEquals(e.getValue(), own.get(e.getKey()), "buffer " + e.getKey());
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
