package e2kd.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.Close;
import e2kd.Fixtures;
import e2kd.io.PthReader;
import e2kd.io.StateDict;
import e2kd.io.TensorData;
import e2kd.nn.Model;
import e2kd.nn.ops.Autograd;
import e2kd.nn.weights.Pretrained;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Models read from {@code torch.save} state dicts written by torchvision (scripts/make_torchvision_fixtures.py,
 * src/test/resources/torchvision) give torchvision's logits (to 1e-4) and explanations (element-wise within
 * 1e-4·max|E|): GradCAM at the last stage for ResNet-18 and DenseNet-121, W(x) for the B-cos DenseNet-121 written in
 * B-cos-v2's key layout. Options are not given: they are read off the weights.
 */
class TorchvisionFixturesTest {
    private static final String DIR = "torchvision/";
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "resnet18; {stem=imagenet, base=8, in_channels=3}",
                "densenet121; {stem=imagenet, base=12, in_channels=3, growth=6}",
                "bcos_densenet121; {stem=imagenet, base=8, in_channels=6, growth=4}"
            })
    void logitsAndExplanationsMatchPyTorch(String id, String options) {
        Model model = Pretrained.build(PthReader.read(Fixtures.path(DIR + id + ".pth")), id, Map.of(), manager);
        assertEquals(options, model.spec().options().asMap().toString(), "options read off the weights");
        check(model, id);
    }

    /** torchvision's pre-0.4.1 DenseNet checkpoints: keys {@code norm.1}, {@code conv.2}, no num_batches_tracked. */
    @Test
    void legacyDenseNetKeysLoadAsTorchvisionRemapsThem() {
        StateDict current = PthReader.read(Fixtures.path(DIR + "densenet121.pth"));
        StateDict legacy = new StateDict();
        Pattern layer = Pattern.compile("^(.*denselayer\\d+\\.(?:norm|conv))([12])\\.(.*)$");
        int renamed = 0;
        for (Map.Entry<String, TensorData> e : current) {
            if (e.getKey().endsWith("num_batches_tracked")) {
                continue;
            }
            Matcher m = layer.matcher(e.getKey());
            renamed += m.matches() ? 1 : 0;
            legacy.put(m.matches() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : e.getKey(), e.getValue());
        }
        assertEquals(58 * 10, renamed, "58 dense layers × (2 norms × 4 keys + 2 convs)");
        assertEquals(true, legacy.contains("features.denseblock1.denselayer1.norm.1.running_var"));
        check(Pretrained.build(legacy, "densenet121", Map.of(), manager), "densenet121");
    }

    private void check(Model model, String id) {
        NDArray x = Fixtures.npy(manager, DIR + id + "_x.npy");
        Explained out = Autograd.noGrad(() -> Explainers.create("auto", model).explain(x, ClassChoice.top1()));
        Close.absolute(out.logits(), Fixtures.npy(manager, DIR + id + "_logits.npy"), 1e-4, id + " logits");
        assertArrayEquals(
                Fixtures.npy(manager, DIR + id + "_top1.npy").toLongArray(),
                out.classes().toLongArray());
        NDArray expected = Fixtures.npy(manager, DIR + id + "_expl.npy");
        Close.absolute(out.map(), expected, 1e-4 * Close.maxAbs(expected), id + " explanation");
    }
}
