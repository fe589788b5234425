package e2kd.nn.models;

import ai.djl.ndarray.NDManager;
import e2kd.nn.DynamicLinear;
import e2kd.nn.ModelSpec;
import e2kd.nn.bcos.BcosConv2d;
import e2kd.nn.bcos.BcosSequential;
import e2kd.nn.layers.AvgPool2d;
import e2kd.nn.layers.UncenteredBatchNorm2d;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * B-cos ResNet as in B-cos-v2 ({@code bcos/models/resnet.py}): every conv a B-cos conv, uncentered bias-free norms,
 * no ReLU, AvgPool2d(3, 2, 1) in place of the stem max-pool, the classifier {@code fc} a 1×1 B-cos conv applied
 * before global average pooling, then the logit bias (see {@link BcosModel}). Taps: conv1, bn1, pool (the stem's
 * average pooling; not with the small stem), layer1..layer4, pooled, cam.
 */
public final class BcosResNet extends BcosModel {

    BcosResNet(NDManager m, ModelSpec spec, int[] blocks, boolean bottleneck) {
        super(spec);
        CnnOptions o = spec.options(CnnOptions.class);
        boolean small = o.stem() == CnnOptions.Stem.SMALL;
        Map<String, DynamicLinear> parts = new LinkedHashMap<>();
        parts.put(
                "conv1",
                child(
                        "conv1",
                        small
                                ? new BcosConv2d(m, o.inChannels(), o.base(), 3, 1, 1)
                                : new BcosConv2d(m, o.inChannels(), o.base(), 7, 2, 3)));
        parts.put("bn1", child("bn1", new UncenteredBatchNorm2d(m, o.base())));
        if (!small) {
            parts.put("pool", child("pool", new AvgPool2d(3, 2, 1)));
        }
        int in = o.base();
        for (int stage = 0; stage < blocks.length; stage++) {
            int planes = o.base() << stage;
            List<BcosResidualBlock> layer = new ArrayList<>();
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                layer.add(
                        bottleneck
                                ? BcosResidualBlock.bottleneck(m, in, planes, stride)
                                : BcosResidualBlock.basic(m, in, planes, stride));
                in = planes * (bottleneck ? 4 : 1);
            }
            String name = "layer" + (stage + 1);
            parts.put(name, child(name, new BcosSequential(layer)));
        }
        body(parts, child("fc", new BcosConv2d(m, in, spec.numClasses(), 1, 1, 0)), Map.of());
    }
}
