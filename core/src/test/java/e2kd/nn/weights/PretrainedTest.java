package e2kd.nn.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.Fixtures;
import e2kd.io.E2kdIoException;
import e2kd.io.PthReader;
import e2kd.io.PthWriter;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.BadInputTest;
import e2kd.nn.Model;
import e2kd.nn.models.BcosModel;
import e2kd.nn.ops.Autograd;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping PyTorch state dicts onto our models: class count, prefixes, head replacement, and the errors. */
class PretrainedTest {
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private static StateDict fixture(String name) {
        return PthReader.read(Fixtures.path("torchvision/" + name + ".pth"));
    }

    @Test
    void classCountAndLogitBiasComeFromTheFile() {
        BcosModel bcos = (BcosModel) Pretrained.build(fixture("bcos_densenet121"), "bcos_densenet121", Map.of(), m);
        assertEquals(7, bcos.spec().numClasses(), "dim 0 of classifier.linear.weight");
        assertEquals(-Math.log(6), bcos.logitBias(), 1e-15);
        assertEquals(10, Pretrained.numClasses(fixture("resnet18")), "dim 0 of fc.weight");
        assertEquals(10, Pretrained.numClasses(fixture("densenet121")), "dim 0 of classifier.weight");
    }

    /** The authors' own B-cos-v2 ResNet-34 file (small stem, base 4, 7 classes) loads as it is: options, logits. */
    @Test
    void authorsBcosResNetFileLoadsAsItIs() {
        Model teacher = Pretrained.read(Fixtures.path("authors-bcos/teacher.pth"), "bcos_resnet34", Map.of(), m);
        assertEquals(
                Map.of("stem", "small", "base", "4", "in_channels", "6"),
                teacher.spec().options().asMap());
        assertEquals(7, teacher.spec().numClasses());
        NDArray x = Fixtures.npy(m, "authors-bcos/x.npy").toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        e2kd.Close.absolute(
                Autograd.noGrad(() -> teacher.forward(x)),
                Fixtures.npy(m, "authors-bcos/teacher_logits.npy"),
                1e-4,
                "logits");
    }

    @Test
    void wrongArchitectureListsKeysByNameWithCounts() {
        String msg = BadInputTest.message(() -> Pretrained.build(fixture("resnet18"), "densenet121", Map.of(), m));
        assertTrue(msg.contains("missing keys: features.conv0.weight, features.norm0.weight"), msg);
        assertTrue(msg.contains("unexpected keys: conv1.weight, bn1.weight"), msg);
        assertTrue(msg.matches(".*\\d+ missing keys: .*, … \\(\\d+ more\\).*"), "truncated with a count: " + msg);
        assertTrue(msg.contains("densenet121"), msg);
    }

    @Test
    void explicitOptionsThatContradictTheWeightsAreShapeMismatches() {
        String msg =
                BadInputTest.message(() -> Pretrained.build(fixture("resnet18"), "resnet18", Map.of("base", "16"), m));
        assertTrue(
                msg.contains("shape mismatch") && msg.contains("conv1.weight (8, 3, 7, 7) vs model (16, 3, 7, 7)"),
                msg);
        assertTrue(!msg.contains("missing") && !msg.contains("unexpected"), msg);
    }

    /** 10⁶ classes of 1 feature (4 MB in the file) must not become a 10⁶ × 512 classifier (2 GB) before failing. */
    @Test
    void classCountIsTrustedOnlyWhereTheClassifierFits() {
        StateDict sd = new StateDict()
                .put(
                        "fc.weight",
                        TensorData.of(
                                e2kd.io.DType.FLOAT32,
                                new long[] {1_000_000, 1},
                                java.nio.ByteBuffer.allocate(4_000_000)));
        String msg = assertTimeoutPreemptively(
                        java.time.Duration.ofSeconds(5),
                        () -> assertThrows(
                                IllegalArgumentException.class, () -> Pretrained.build(sd, "resnet18", Map.of(), m)))
                .getMessage();
        assertTrue(
                msg.contains("fc.weight (1000000, 1) vs model (2, 512)") && msg.contains("missing keys: conv1.weight"),
                msg);
    }

    @Test
    void noClassifierIsNamedError() {
        StateDict sd =
                new StateDict().put("conv1.weight", TensorData.ofFloats(new long[] {1, 1, 1, 1}, new float[] {1}));
        String msg = BadInputTest.message(() -> Pretrained.numClasses(sd));
        assertTrue(
                msg.contains("fc.weight, fc.linear.weight, classifier.weight, classifier.linear.weight")
                        && msg.contains("conv1.weight"),
                msg);
    }

    @Test
    void dataParallelPrefixIsStrippedAndErrorsNameTheFile(@TempDir Path dir) {
        StateDict prefixed = new StateDict();
        fixture("resnet18").forEach(e -> prefixed.put("module." + e.getKey(), e.getValue()));
        Path file = dir.resolve("dp.pth");
        PthWriter.write(prefixed, file);
        Model model = Pretrained.read(file, "resnet18", Map.of(), m);
        assertEquals(10, model.spec().numClasses());
        E2kdIoException e =
                assertThrows(E2kdIoException.class, () -> Pretrained.read(file, "bcos_resnet18", Map.of(), m));
        assertTrue(
                e.getMessage().startsWith(file.toString()) && e.getMessage().contains("conv1.linear.weight"),
                e.getMessage());
    }

    @Test
    void newHeadKeepsTheBodyAndHasTheNewClassCount() {
        for (String id : new String[] {"densenet121", "bcos_densenet121"}) {
            Model source = Pretrained.build(fixture(id), id, Map.of(), m);
            Model tuned = Pretrained.withNewHead(source, 3, m);
            assertEquals(3, tuned.spec().numClasses());
            assertEquals(source.spec().options(), tuned.spec().options());
            Map<String, NDArray> before = source.stateDict();
            tuned.stateDict().forEach((key, value) -> {
                if (key.startsWith("classifier.")) {
                    assertEquals(3, value.getShape().get(0), key);
                } else {
                    assertArrayEquals(
                            before.get(key).toType(value.getDataType(), false).toByteArray(), value.toByteArray(), key);
                }
            });
        }
    }
}
