package e2kd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import e2kd.Close;
import e2kd.Options;
import e2kd.nn.layers.GlobalAvgPool;
import e2kd.nn.models.Models;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Feature taps of every family, in float64: tapping changes no logit; each named feature is what its name says,
 * checked against an independent route (pooled = mean of layer4, the class maps pooled give the logits, ReLU of a
 * pre-activation is the stage, DenseNet's layerN is its denseblockN); only asked-for features are computed.
 */
class FeatureTapsTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "resnet18|stem=small,base=4|fc.bias",
                "densenet121|stem=small,base=8,growth=4|classifier.bias",
                "bcos_resnet18|stem=small,base=4|",
                "bcos_densenet121|stem=small,base=8,growth=4|"
            })
    void everyFeatureIsWhatItsNameSays(String id, String options, String bias) {
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create(id, 5, Options.parse(options), m);
            model.toFloatType(DataType.FLOAT64);
            int channels = model.spec().options().inChannels();
            NDArray x = m.randomUniform(0, 1, new Shape(2, channels, 28, 28)).toType(DataType.FLOAT64, false);
            NDArray plain = model.forward(x);
            Taps taps = Taps.capture(new HashSet<>(model.tapNames()));
            NDArray tapped = model.forward(x, taps);
            assertArrayEquals(plain.toDoubleArray(), tapped.toDoubleArray(), "tapping changed the logits");
            Map<String, NDArray> f = taps.features();
            assertEquals(new HashSet<>(model.tapNames()), f.keySet());
            f.forEach((name, v) -> assertEquals(2, v.getShape().get(0), name));

            Close.absolute(f.get("pooled"), GlobalAvgPool.of(f.get("layer4")), 1e-12, "pooled");
            NDArray camLogits = GlobalAvgPool.of(f.get("cam"));
            NDArray offset = bias == null
                    ? camLogits.zerosLike().add(-Math.log(4)) // B-cos logit bias −log(C − 1)
                    : model.stateDict()
                            .get(bias)
                            .toType(DataType.FLOAT64, false)
                            .broadcast(new Shape(2, 5));
            Close.absolute(
                    camLogits.add(offset),
                    plain,
                    1e-12 * Math.max(1, Close.maxAbs(plain)),
                    "class maps pooled + bias = logits");
            for (String name : model.tapNames()) {
                if (name.endsWith(".pre")) {
                    String stage = name.substring(0, name.length() - 4);
                    Close.absolute(Activation.relu(f.get(name)), f.get(stage), 0, "ReLU(" + name + ")");
                }
            }
            if (id.contains("densenet")) {
                assertArrayEquals(
                        f.get("denseblock3").toDoubleArray(), f.get("layer3").toDoubleArray());
            }
        }
    }

    @Test
    void onlyAskedForFeaturesAreKeptAndUnknownOnesAreNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Model model = Models.create("resnet18", 3, Options.parse("stem=small,base=4"), m);
            NDArray x = m.randomUniform(0, 1, new Shape(1, 3, 16, 16));
            Taps taps = Taps.capture(Set.of("layer3"));
            model.forward(x, taps);
            assertEquals(Set.of("layer3"), taps.features().keySet());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> model.forward(x, Taps.capture(Set.of("layer9"))));
            assertTrue(e.getMessage().contains("layer9") && e.getMessage().contains("layer4.pre"), e.getMessage());
        }
    }
}
