package e2kd.nn.models;

import e2kd.nn.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DenseNet-BC layout shared by torchvision's {@code DenseNet} and B-cos-v2's {@code BcosDenseNet}
 * ({@code densenet.py} in both): the stem, then dense blocks {@code denseblock1..4} whose layer i (1-based) maps
 * C + (i−1)·k channels through a 1×1 conv to 4·k (bn_size 4) and a 3×3 conv to k, with transitions
 * {@code transition1..3} (norm, 1×1 conv halving the channels, 2×2 average pooling) between the blocks, and
 * {@code norm5} at the end. C starts at {@code base} ({@code num_init_features}); k is {@code growth}.
 */
final class DenseNetLayout {
    static final int[] DENSENET121 = {6, 12, 24, 16};
    static final int[] DENSENET169 = {6, 12, 32, 32};
    private static final int BN_SIZE = 4;

    /**
     * Stage names shared with ResNets: {@code layer1..3} are the outputs of {@code denseblock1..3} (before their
     * transitions) and {@code layer4} is the point {@code last} (what feeds the head).
     */
    static Map<String, String> stageAliases(String last) {
        return Map.of("denseblock1", "layer1", "denseblock2", "layer2", "denseblock3", "layer3", last, "layer4");
    }

    /** The modules a family builds the layout from. */
    interface Family {
        /** {@code conv0} and what follows it in the stem (named as in the state dict). */
        Map<String, Module> stem(int in, int out, boolean small);

        /** A dense layer: in → (1×1) → bottleneck → (3×3) → growth channels. */
        Module denseLayer(int in, int bottleneck, int growth);

        /** A dense block of {@code layers} (children {@code denselayer1..n}) on {@code in} input channels. */
        Module denseBlock(List<Module> layers, int in, int growth);

        Module transition(int in, int out);

        Module norm(int channels);
    }

    /** The children of {@code features} in order, and the channel count they end with. */
    record Features(Map<String, Module> modules, int channels) {}

    private DenseNetLayout() {}

    static Features features(CnnOptions o, int[] blocks, Family family) {
        Map<String, Module> modules =
                new LinkedHashMap<>(family.stem(o.inChannels(), o.base(), o.stem() == CnnOptions.Stem.SMALL));
        int channels = o.base();
        int k = o.growth();
        for (int b = 0; b < blocks.length; b++) {
            List<Module> layers = new ArrayList<>();
            for (int i = 0; i < blocks[b]; i++) {
                layers.add(family.denseLayer(channels + i * k, BN_SIZE * k, k));
            }
            modules.put("denseblock" + (b + 1), family.denseBlock(layers, channels, k));
            channels += blocks[b] * k;
            if (b < blocks.length - 1) {
                modules.put("transition" + (b + 1), family.transition(channels, channels / 2));
                channels /= 2;
            }
        }
        modules.put("norm5", family.norm(channels));
        return new Features(modules, channels);
    }

    /** Names {@code layers} {@code denselayer1..n}. */
    static Map<String, Module> denseLayerNames(List<Module> layers) {
        Map<String, Module> named = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            named.put("denselayer" + (i + 1), layers.get(i));
        }
        return named;
    }
}
