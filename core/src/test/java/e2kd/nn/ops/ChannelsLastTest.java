package e2kd.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.SystemProperties;
import e2kd.explain.ClassChoice;
import e2kd.explain.Explained;
import e2kd.explain.Explainers;
import e2kd.nn.Model;
import e2kd.nn.layers.Conv2d;
import e2kd.nn.models.Models;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Channels-last storage changes no value: convolutions and whole ResNets against the default layout (float64). */
class ChannelsLastTest {
    private static NDArray normal(NDManager m, long... shape) {
        return m.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    @Test
    void copyHasTheSameValuesAndPassesGradientsBack() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = normal(m, 2, 3, 4, 5);
            x.setRequiresGradient(true);
            NDArray g = normal(m, 2, 3, 4, 5);
            NDArray copy = Autograd.recording(() -> {
                NDArray c = ChannelsLast.of(x, m);
                Autograd.backward(c.mul(g).sum(), false);
                return c;
            });
            assertArrayEquals(x.toDoubleArray(), copy.toDoubleArray());
            assertArrayEquals(g.toDoubleArray(), x.getGradient().toDoubleArray());
        }
    }

    /** Output, input gradient and weight gradient of a channels-last convolution equal the default layout's. */
    @ParameterizedTest(name = "in={0} out={1} k={2} s={3} p={4} size={5}")
    @CsvSource({"3,8,7,2,3,15", "8,8,3,1,1,6", "8,16,3,2,1,7", "8,16,1,2,0,7", "16,256,3,2,1,4", "6,5,3,1,0,5"})
    void convolutionEqualsTheDefaultLayout(int in, int out, int k, int stride, int pad, int size) {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d plain = new Conv2d(m, in, out, k, stride, pad);
            Conv2d channelsLast = new Conv2d(m, in, out, k, stride, pad);
            plain.toFloatType(DataType.FLOAT64);
            channelsLast.useChannelsLast();
            channelsLast.toFloatType(DataType.FLOAT64);
            channelsLast.loadStateDict(plain.stateDict());
            NDArray x = normal(m, 2, in, size, size);
            String what = " in=" + in + " out=" + out + " k=" + k + " s=" + stride + " size=" + size;
            NDArray[] expected = outputAndGradients(m, plain, x);
            NDArray[] actual = outputAndGradients(m, channelsLast, x);
            String[] names = {"output", "input gradient", "weight gradient"};
            for (int i = 0; i < names.length; i++) {
                Close.absolute(actual[i], expected[i], 1e-10, names[i] + what);
            }
        }
    }

    /**
     * The weight stored channels-last keeps its values in logical order through the state dict, loading and dtype
     * conversion (checkpoints and PyTorch files see the default layout), and stays trainable.
     */
    @Test
    void storedWeightKeepsItsValuesThroughLoadingAndConversion() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d plain = new Conv2d(m, 4, 6, 3, 1, 1);
            Conv2d channelsLast = new Conv2d(m, 4, 6, 3, 1, 1);
            float[] before = channelsLast.weight().toFloatArray();
            channelsLast.useChannelsLast();
            assertArrayEquals(before, channelsLast.stateDict().get("weight").toFloatArray());
            assertTrue(channelsLast.weight().hasGradient());
            channelsLast.loadStateDict(plain.stateDict());
            assertArrayEquals(
                    plain.weight().toFloatArray(),
                    channelsLast.stateDict().get("weight").toFloatArray());
            assertFalse(Layouts.isContiguous(channelsLast.weight()), "still stored channels-last after loading");
            assertTrue(channelsLast.weight().hasGradient());
            plain.toFloatType(DataType.FLOAT64);
            channelsLast.toFloatType(DataType.FLOAT64);
            assertArrayEquals(
                    plain.weight().toDoubleArray(), channelsLast.weight().toDoubleArray());
            NDArray x = normal(m, 2, 4, 5, 5);
            Close.absolute(
                    Autograd.noGrad(() -> channelsLast.forward(x)),
                    Autograd.noGrad(() -> plain.forward(x)),
                    1e-12,
                    "output after reload and conversion");
        }
    }

    /** A frozen weight's copy is made once and follows a reload of the weights. */
    @Test
    void frozenWeightFollowsReloads() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2d plain = new Conv2d(m, 8, 16, 3, 1, 1);
            Conv2d frozen = new Conv2d(m, 8, 16, 3, 1, 1);
            frozen.useChannelsLast();
            frozen.setTrainable(false);
            plain.setTrainable(false);
            NDArray x = m.randomNormal(new Shape(2, 8, 6, 6));
            for (int reload = 0; reload < 2; reload++) {
                frozen.loadStateDict(plain.stateDict());
                Supplier<NDArray> once = () -> Autograd.noGrad(() -> frozen.forward(x));
                Close.absolute(once.get(), Autograd.noGrad(() -> plain.forward(x)), 1e-5, "reload " + reload);
                Close.absolute(once.get(), Autograd.noGrad(() -> plain.forward(x)), 1e-5, "again " + reload);
                plain.loadStateDict(Map.of("weight", m.randomNormal(new Shape(16, 8, 3, 3))));
            }
        }
    }

    /**
     * A ResNet-18 of ImageNet width runs channels-last; its logits, GradCAM map and parameter gradients equal those
     * of the same weights in the default layout ({@code -De2kd.channelsLast=false} at construction), whose layer4
     * runs as matrix products.
     */
    @Test
    void resNetOfImageNetWidthEqualsTheDefaultLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> options = Map.of("stem", "imagenet", "base", "64");
            assertTrue(ChannelsLast.prefers(64));
            assertFalse(ChannelsLast.prefers(32));
            Model channelsLast = Models.create("resnet18", 5, options, m);
            Model plain =
                    SystemProperties.with("e2kd.channelsLast", "false", () -> Models.create("resnet18", 5, options, m));
            plain.loadStateDict(channelsLast.stateDict());
            channelsLast.toFloatType(DataType.FLOAT64);
            plain.toFloatType(DataType.FLOAT64);
            NDArray x = normal(m, 2, 3, 40, 40);
            Explained a = Autograd.recording(
                    () -> Explainers.create("auto", channelsLast).explain(x, ClassChoice.top1()));
            Explained b =
                    Autograd.recording(() -> Explainers.create("auto", plain).explain(x, ClassChoice.top1()));
            Close.absolute(a.logits(), b.logits(), 1e-10, "logits");
            Close.absolute(a.map(), b.map(), 1e-10 * Math.max(1, Close.maxAbs(b.map())), "GradCAM");
            Map<String, NDArray> ga = parameterGradients(channelsLast, x);
            Map<String, NDArray> gb = parameterGradients(plain, x);
            ga.forEach((name, g) -> Close.absolute(
                    g, gb.get(name), 1e-10 * Math.max(1, Close.maxAbs(gb.get(name))), "gradient of " + name));
        }
    }

    /**
     * Frozen and in eval mode (a teacher), the channels-last ResNet-18 runs the batch norms of its wide-map layers
     * folded into their convolutions (BatchNorm2d.ofConv); with random running statistics its logits and GradCAM map equal those of the
     * same weights in the default layout, where nothing is folded.
     */
    @Test
    void frozenResNetWithFoldedNormsEqualsTheDefaultLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> options = Map.of("stem", "imagenet", "base", "64");
            Model channelsLast = Models.create("resnet18", 5, options, m);
            Model plain =
                    SystemProperties.with("e2kd.channelsLast", "false", () -> Models.create("resnet18", 5, options, m));
            Map<String, NDArray> weights = new java.util.TreeMap<>(channelsLast.stateDict());
            weights.replaceAll(
                    (key, value) -> key.endsWith("running_var") || key.matches(".*(bn\\d|downsample\\.1)\\.weight")
                            ? m.randomUniform(0.5f, 2f, value.getShape())
                            : key.endsWith("running_mean") || key.matches(".*(bn\\d|downsample\\.1)\\.bias")
                                    ? m.randomUniform(-1f, 1f, value.getShape())
                                    : value.duplicate());
            for (Model model : java.util.List.of(channelsLast, plain)) {
                model.loadStateDict(weights);
                model.toFloatType(DataType.FLOAT64);
                model.setTraining(false);
                model.setTrainable(false);
            }
            NDArray x = normal(m, 2, 3, 160, 160); // the stem, layer1 and the downsample convolutions fold
            Explained a = Autograd.recording(
                    () -> Explainers.create("auto", channelsLast).explain(x, ClassChoice.top1()));
            Explained b =
                    Autograd.recording(() -> Explainers.create("auto", plain).explain(x, ClassChoice.top1()));
            Close.absolute(a.logits(), b.logits(), 1e-10 * Math.max(1, Close.maxAbs(b.logits())), "logits");
            Close.absolute(a.map(), b.map(), 1e-10 * Math.max(1, Close.maxAbs(b.map())), "GradCAM");
        }
    }

    private static NDArray[] outputAndGradients(NDManager m, Conv2d conv, NDArray x) {
        NDArray v = x.duplicate();
        v.setRequiresGradient(true);
        NDArray w = conv.weight();
        Autograd.zeroGradients(java.util.List.of(w));
        NDArray y = Autograd.recording(() -> {
            NDArray out = conv.forward(v);
            Autograd.backward(out.square().sum(), false);
            return out;
        });
        return new NDArray[] {y, v.getGradient(), w.getGradient().duplicate()};
    }

    private static Map<String, NDArray> parameterGradients(Model model, NDArray x) {
        Autograd.zeroGradients(model.parameters().values());
        Autograd.recording(() -> {
            Autograd.backward(model.forward(x).square().sum(), false);
            return null;
        });
        Map<String, NDArray> out = new java.util.TreeMap<>();
        model.parameters().forEach((name, p) -> out.put(name, p.getGradient().duplicate()));
        return out;
    }
}
