package e2kd.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.Close;
import e2kd.SystemProperties;
import e2kd.nn.Model;
import e2kd.nn.models.Models;
import e2kd.nn.ops.Autograd;
import e2kd.train.optim.Adam;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adam steps on a ResNet of ImageNet width, whose convolution weights (and so their gradients and Adam moments) are
 * stored channels-last, give the parameters of the same steps in PyTorch's default layout (float64).
 */
class ChannelsLastTrainingTest {
    @Test
    void adamStepsEqualThoseOfTheDefaultLayout() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, String> options = Map.of("stem", "small", "base", "64");
            Model channelsLast = Models.create("resnet18", 3, options, m);
            Model plain =
                    SystemProperties.with("e2kd.channelsLast", "false", () -> Models.create("resnet18", 3, options, m));
            plain.loadStateDict(channelsLast.stateDict());
            channelsLast.toFloatType(DataType.FLOAT64);
            plain.toFloatType(DataType.FLOAT64);
            NDArray x = m.randomNormal(new Shape(2, 3, 12, 12)).toType(DataType.FLOAT64, false);
            Model[] models = {channelsLast, plain};
            Adam[] optimizers = {new Adam(0.0, false), new Adam(0.0, false)};
            for (int step = 0; step < 2; step++) {
                for (int i = 0; i < 2; i++) {
                    Map<String, NDArray> params = models[i].parameters();
                    Autograd.zeroGradients(params.values());
                    Model model = models[i];
                    Autograd.recording(() -> {
                        Autograd.backward(model.forward(x).square().sum(), false);
                        return null;
                    });
                    Adam adam = optimizers[i];
                    Autograd.noGrad(() -> {
                        adam.step(params, 1e-2);
                        return null;
                    });
                }
                Map<String, NDArray> expected = plain.stateDict();
                int s = step;
                channelsLast
                        .stateDict()
                        .forEach((name, value) -> Close.absolute(
                                value,
                                expected.get(name),
                                1e-9 * Math.max(1, Close.maxAbs(expected.get(name))),
                                name + " after step " + s));
            }
        }
    }
}
