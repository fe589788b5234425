package e2kd.nn.models;

import ai.djl.ndarray.NDManager;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.bcos.BcosConv2d;
import e2kd.nn.bcos.BcosSequential;
import e2kd.nn.layers.AvgPool2d;
import e2kd.nn.layers.UncenteredBatchNorm2d;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * B-cos DenseNet as in B-cos-v2 ({@code bcos/models/densenet.py}, ImageNet configs: {@code NoBias(
 * BatchNormUncentered2d)}, B = 2, max_out 1): torchvision's DenseNet-BC layout ({@link DenseNetLayout}) with every
 * conv a B-cos conv ({@code *.linear.weight}), uncentered bias-free norms, no ReLU, AvgPool2d(3, 2, 1) as pool0,
 * and {@code classifier} a 1×1 B-cos conv before global average pooling, then the logit bias (see
 * {@link BcosModel}). The small stem is conv0 alone (3×3 stride 1; B-cos-v2's {@code small_inputs}).
 * Dynamic-linear throughout: concatenations transpose to splits. Taps: the children of {@code features} by name,
 * {@code layer1..3} (= denseblock1..3), {@code layer4} (= norm5, the classifier's input), pooled, cam.
 */
public final class BcosDenseNet extends BcosModel {

    BcosDenseNet(NDManager m, ModelSpec spec, int[] blocks) {
        super(spec);
        DenseNetLayout.Features layout = DenseNetLayout.features(spec.options(CnnOptions.class), blocks, new Family(m));
        BcosSequential features = child("features", new BcosSequential(layout.modules()));
        body(
                features.blocks(),
                child("classifier", new BcosConv2d(m, layout.channels(), spec.numClasses(), 1, 1, 0)),
                DenseNetLayout.stageAliases("norm5"));
    }

    /** B-cos-v2's modules: BcosConv2d, NoBias(BatchNormUncentered2d), AvgPool2d. */
    private record Family(NDManager m) implements DenseNetLayout.Family {
        @Override
        public Map<String, Module> stem(int in, int out, boolean small) {
            Map<String, Module> stem = new LinkedHashMap<>();
            stem.put("conv0", small ? new BcosConv2d(m, in, out, 3, 1, 1) : new BcosConv2d(m, in, out, 7, 2, 3));
            if (!small) {
                stem.put("norm0", new UncenteredBatchNorm2d(m, out));
                stem.put("pool0", new AvgPool2d(3, 2, 1));
            }
            return stem;
        }

        @Override
        public Module denseLayer(int in, int bottleneck, int growth) {
            Map<String, Module> layer = new LinkedHashMap<>();
            layer.put("norm1", new UncenteredBatchNorm2d(m, in));
            layer.put("conv1", new BcosConv2d(m, in, bottleneck, 1, 1, 0));
            layer.put("norm2", new UncenteredBatchNorm2d(m, bottleneck));
            layer.put("conv2", new BcosConv2d(m, bottleneck, growth, 3, 1, 1));
            return new BcosSequential(layer);
        }

        @Override
        public Module denseBlock(List<Module> layers, int in, int growth) {
            return new BcosDenseBlock(layers, in, growth);
        }

        @Override
        public Module transition(int in, int out) {
            Map<String, Module> t = new LinkedHashMap<>();
            t.put("norm", new UncenteredBatchNorm2d(m, in));
            t.put("conv", new BcosConv2d(m, in, out, 1, 1, 0));
            t.put("pool", new AvgPool2d(2, 2, 0));
            return new BcosSequential(t);
        }

        @Override
        public Module norm(int channels) {
            return new UncenteredBatchNorm2d(m, channels);
        }
    }
}
