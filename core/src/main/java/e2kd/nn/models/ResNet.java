package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import e2kd.nn.CamModel;
import e2kd.nn.Model;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.Taps;
import e2kd.nn.layers.BatchNorm2d;
import e2kd.nn.layers.Conv2d;
import e2kd.nn.layers.GlobalAvgPool;
import e2kd.nn.layers.Linear;
import e2kd.nn.layers.Sequential;
import e2kd.nn.ops.ChannelsLast;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision ResNet (v1.5): conv1-bn1-relu-maxpool, layer1..4, global average pooling, {@code fc}. With the small
 * stem, conv1 is 3×3 stride 1 and there is no max-pool. Taps: {@code conv1} (after bn1/relu/maxpool),
 * {@code layer1}..{@code layer4}, their pre-activations {@code layerN.pre} (the last block's sum before its ReLU),
 * {@code pool} (B, K) and {@code cam}, the classifier as a 1×1 convolution over layer4 without bias (B, C, h, w).
 */
public final class ResNet extends Model implements CamModel {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final boolean maxPool;
    private final Map<String, List<ResidualBlock>> stages = new LinkedHashMap<>();
    private final Linear fc;
    private static final String POOL = "pooled";
    private static final String CAM = "cam";
    private final boolean channelsLast;

    ResNet(NDManager m, ModelSpec spec, int[] blocks, boolean bottleneck) {
        super(spec);
        CnnOptions o = spec.options(CnnOptions.class);
        boolean small = o.stem() == CnnOptions.Stem.SMALL;
        conv1 = child(
                "conv1",
                small
                        ? new Conv2d(m, o.inChannels(), o.base(), 3, 1, 1)
                        : new Conv2d(m, o.inChannels(), o.base(), 7, 2, 3));
        bn1 = child("bn1", new BatchNorm2d(m, o.base()));
        maxPool = !small;
        int in = o.base();
        for (int stage = 0; stage < blocks.length; stage++) {
            int planes = o.base() << stage;
            List<ResidualBlock> layer = new ArrayList<>();
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                layer.add(
                        bottleneck
                                ? ResidualBlock.bottleneck(m, in, planes, stride)
                                : ResidualBlock.basic(m, in, planes, stride));
                in = planes * (bottleneck ? 4 : 1);
            }
            String name = "layer" + (stage + 1);
            child(name, new Sequential(layer));
            stages.put(name, layer);
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
        for (String stage : stages.keySet()) {
            names.add(stage);
            names.add(stage + ".pre");
        }
        names.add(POOL);
        names.add(CAM);
        return names;
    }

    @Override
    public NDArray forward(NDArray x, Taps taps) {
        checkInput(x);
        taps.check(this);
        NDArray input = channelsLast ? ChannelsLast.of(x, x.getManager()) : x;
        NDArray out = Activation.relu(bn1.ofConv(conv1, input));
        if (maxPool) {
            out = Pool.maxPool2d(out, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false);
        }
        out = taps.at("conv1", out);
        for (Map.Entry<String, List<ResidualBlock>> stage : stages.entrySet()) {
            out = taps.at(stage.getKey(), stage(stage.getKey(), stage.getValue(), out, taps));
        }
        if (taps.wants(POOL)) {
            taps.at(POOL, GlobalAvgPool.of(out));
        }
        if (taps.wants(CAM)) {
            taps.at(CAM, ClassMaps.of(fc.weight(), out));
        }
        return fc.pooled(out);
    }

    private static NDArray stage(String name, List<ResidualBlock> blocks, NDArray x, Taps taps) {
        NDArray out = x;
        int last = blocks.size() - 1;
        for (int i = 0; i < last; i++) {
            out = blocks.get(i).forward(out);
        }
        if (!taps.wants(name + ".pre")) {
            return blocks.get(last).forward(out);
        }
        return Activation.relu(taps.at(name + ".pre", blocks.get(last).preActivation(out)));
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
    public NDArray gradCamWeights(NDArray rows, NDArray stage) {
        return CamModel.pooledLinearWeights(rows, fc.weight(), stage);
    }
}
