package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import e2kd.nn.CamModel;
import e2kd.nn.Model;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.Taps;
import e2kd.nn.layers.AvgPool2d;
import e2kd.nn.layers.BatchNorm2d;
import e2kd.nn.layers.Conv2d;
import e2kd.nn.layers.GlobalAvgPool;
import e2kd.nn.layers.Linear;
import e2kd.nn.layers.MaxPool2d;
import e2kd.nn.layers.Relu;
import e2kd.nn.layers.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision DenseNet-BC ({@code torchvision/models/densenet.py}): {@code features} = conv0, norm0, relu0, pool0
 * (max 3/2/1), denseblock1, transition1, …, denseblock4, norm5; then ReLU, global average pooling and the linear
 * {@code classifier}. Dense layers are norm1-relu1-conv1 (1×1 to 4k) - norm2-relu2-conv2 (3×3 to k); transitions
 * norm-relu-conv (1×1 halving)-avgpool 2×2 (layout in {@link DenseNetLayout}). With the small stem, {@code features}
 * starts with a 3×3 stride-1 conv0 alone (as in B-cos-v2's {@code small_inputs}).
 *
 * <p>Taps: the output of every child of {@code features} by its name, and {@code features} = ReLU of norm5's
 * output, the last stage, which feeds a head of global average pooling + linear (closed-form GradCAM); the stage
 * names shared with ResNets {@code layer1..3} (= denseblock1..3), {@code layer4} (= features) and
 * {@code layer4.pre} (= norm5, before the ReLU); {@code pooled} (B, K) and {@code cam} (B, C, h, w).
 * x (B, inChannels, H, W) → logits (B, C).
 */
public final class DenseNet extends Model implements CamModel {
    private static final String LAST = "features";
    private static final String POOLED = "pooled";
    private static final String CAM = "cam";
    private static final Map<String, String> ALIASES = aliases();
    private final Sequential features;
    private final Linear classifier;
    private final List<String> tapNames = new ArrayList<>();

    DenseNet(NDManager m, ModelSpec spec, int[] blocks) {
        super(spec);
        DenseNetLayout.Features layout = DenseNetLayout.features(spec.options(CnnOptions.class), blocks, new Family(m));
        features = child("features", new Sequential(layout.modules()));
        classifier = child("classifier", new Linear(m, layout.channels(), spec.numClasses()));
        tapNames.addAll(layout.modules().keySet());
        tapNames.add(LAST);
        tapNames.addAll(ALIASES.values());
        tapNames.add(POOLED);
        tapNames.add(CAM);
    }

    /** torchvision's modules: Conv2d, BatchNorm2d, ReLU, pooling. */
    private record Family(NDManager m) implements DenseNetLayout.Family {
        @Override
        public Map<String, Module> stem(int in, int out, boolean small) {
            Map<String, Module> stem = new LinkedHashMap<>();
            stem.put("conv0", small ? new Conv2d(m, in, out, 3, 1, 1) : new Conv2d(m, in, out, 7, 2, 3));
            if (!small) {
                stem.put("norm0", new BatchNorm2d(m, out));
                stem.put("relu0", new Relu());
                stem.put("pool0", new MaxPool2d(3, 2, 1));
            }
            return stem;
        }

        @Override
        public Module denseLayer(int in, int bottleneck, int growth) {
            Map<String, Module> layer = new LinkedHashMap<>();
            layer.put("norm1", new BatchNorm2d(m, in));
            layer.put("relu1", new Relu());
            layer.put("conv1", new Conv2d(m, in, bottleneck, 1, 1, 0));
            layer.put("norm2", new BatchNorm2d(m, bottleneck));
            layer.put("relu2", new Relu());
            layer.put("conv2", new Conv2d(m, bottleneck, growth, 3, 1, 1));
            return new Sequential(layer);
        }

        @Override
        public Module denseBlock(List<Module> layers, int in, int growth) {
            return new DenseBlock(layers);
        }

        @Override
        public Module transition(int in, int out) {
            Map<String, Module> t = new LinkedHashMap<>();
            t.put("norm", new BatchNorm2d(m, in));
            t.put("relu", new Relu());
            t.put("conv", new Conv2d(m, in, out, 1, 1, 0));
            t.put("pool", new AvgPool2d(2, 2, 0));
            return new Sequential(t);
        }

        @Override
        public Module norm(int channels) {
            return new BatchNorm2d(m, channels);
        }
    }

    private static Map<String, String> aliases() {
        Map<String, String> aliases = new LinkedHashMap<>(DenseNetLayout.stageAliases(LAST));
        aliases.put("norm5", "layer4.pre");
        return Map.copyOf(aliases);
    }

    @Override
    public NDArray forward(NDArray x, Taps taps) {
        checkInput(x);
        taps.check(this);
        Taps named = taps.aliased(ALIASES);
        NDArray out = named.at(LAST, Activation.relu(features.forward(x, named)));
        if (named.wants(POOLED)) {
            named.at(POOLED, GlobalAvgPool.of(out));
        }
        if (named.wants(CAM)) {
            named.at(CAM, ClassMaps.of(classifier.weight(), out));
        }
        return classifier.pooled(out);
    }

    @Override
    public List<String> tapNames() {
        return List.copyOf(tapNames);
    }

    @Override
    public String lastStage() {
        return LAST;
    }

    @Override
    public NDArray gradCamWeights(NDArray rows, NDArray stage) {
        return CamModel.pooledLinearWeights(rows, classifier.weight(), stage);
    }

    @Override
    public Module module() {
        return this;
    }
}
