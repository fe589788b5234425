package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * torchvision ResNet (v1.5): conv1-bn1-relu-maxpool, layer1..4, global average pooling, {@code fc}. With the small
 * stem, conv1 is 3×3 stride 1 and there is no max-pool. Stage outputs are named {@code conv1} (after bn1/relu),
 * {@code layer1}..{@code layer4}; {@link #forward(NDArray, Map)} lets a caller replace any of them (GradCAM taps).
 */
public final class ResNet extends Model implements CamModel {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final boolean maxPool;
    private final Map<String, Layer> stages = new LinkedHashMap<>();
    private final Linear fc;
    private final boolean channelsLast;

    ResNet(NDManager m, ModelSpec spec, int[] blocks, boolean bottleneck) {
        super(spec);
        ModelOptions o = spec.options();
        boolean small = o.stem() == ModelOptions.Stem.SMALL;
        conv1 = child("conv1", small ? new Conv2d(m, o.inChannels(), o.base(), 3, 1, 1)
                : new Conv2d(m, o.inChannels(), o.base(), 7, 2, 3));
        bn1 = child("bn1", new BatchNorm2d(m, o.base()));
        maxPool = !small;
        int in = o.base();
        for (int stage = 0; stage < blocks.length; stage++) {
            int planes = o.base() << stage;
            List<ResidualBlock> layer = new ArrayList<>();
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                layer.add(bottleneck ? ResidualBlock.bottleneck(m, in, planes, stride)
                        : ResidualBlock.basic(m, in, planes, stride));
                in = planes * (bottleneck ? 4 : 1);
            }
            String name = "layer" + (stage + 1);
            stages.put(name, child(name, new Sequential(layer)));
        }
        fc = child("fc", new Linear(m, in, spec.numClasses()));
        channelsLast = ChannelsLast.prefers(o.base());
        if (channelsLast) {
            useChannelsLast(this);
        }
    }

    private static void useChannelsLast(Module m) {
        if (m instanceof Conv2d conv) {
            conv.useChannelsLast();
        }
        m.children().values().forEach(ResNet::useChannelsLast);
    }

    @Override
    public List<String> tapNames() {
        List<String> names = new ArrayList<>();
        names.add("conv1");
        names.addAll(stages.keySet());
        return names;
    }

    @Override
    public NDArray forward(NDArray x) {
        return forward(x, Map.of());
    }

    /**
     * Logits (B, C); each stage output named in {@code taps} is passed through its operator (e.g. to add a zero leaf
     * whose gradient is ∂y/∂A, or to capture A).
     */
    @Override
    public NDArray forward(NDArray x, Map<String, UnaryOperator<NDArray>> taps) {
        checkInput(x);
        checkTaps(taps);
        NDArray input = channelsLast ? ChannelsLast.of(x, x.getManager()) : x;
        NDArray out = Activation.relu(bn1.forward(conv1.forward(input)));
        if (maxPool) {
            out = Pool.maxPool2d(out, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        out = taps.getOrDefault("conv1", UnaryOperator.identity()).apply(out);
        for (Map.Entry<String, Layer> stage : stages.entrySet()) {
            out = taps.getOrDefault(stage.getKey(), UnaryOperator.identity()).apply(stage.getValue().forward(out));
        }
        return fc.pooled(out);
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public String lastStage() {
        return "layer4";
    }

    @Override
    public NDArray classifierWeight() {
        return fc.weight();
    }
}
