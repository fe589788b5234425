package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.bcos.BcosConv2d;
import e2kd.nn.bcos.BcosSequential;
import e2kd.nn.bcos.DynamicChain;
import e2kd.nn.layers.UncenteredBatchNorm2d;
import java.util.ArrayList;
import java.util.List;

/**
 * B-cos-v2 ResNet block without activations: out = main(x) + shortcut(x), where main is conv1·bn1·conv2·bn2
 * (basic, expansion 1) or conv1·bn1·conv2·bn2·conv3·bn3 (bottleneck, expansion 4, stride on the 3×3 conv as in
 * torchvision v1.5), and shortcut is the identity or {@code downsample} = 1×1 B-cos conv + norm.
 * Transpose: main-path-transpose(g) + shortcut-transpose(g) (identity: g itself). x (B, I, H, W) → (B, O, H', W').
 */
public final class BcosResidualBlock extends Module implements DynamicLinear {
    private final DynamicChain main;
    private final BcosSequential downsample;

    private BcosResidualBlock(List<String> names, List<Module> mainPath, BcosSequential downsample) {
        List<DynamicLinear> chain = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            chain.add((DynamicLinear) child(names.get(i), mainPath.get(i)));
        }
        this.main = new DynamicChain(chain);
        this.downsample = downsample == null ? null : child("downsample", downsample);
    }

    /** Basic block (ResNet-18/34): two 3×3 B-cos convs. */
    public static BcosResidualBlock basic(NDManager m, int in, int planes, int stride) {
        return new BcosResidualBlock(
                List.of("conv1", "bn1", "conv2", "bn2"),
                List.of(
                        new BcosConv2d(m, in, planes, 3, stride, 1), new UncenteredBatchNorm2d(m, planes),
                        new BcosConv2d(m, planes, planes, 3, 1, 1), new UncenteredBatchNorm2d(m, planes)),
                shortcut(m, in, planes, stride));
    }

    /** Bottleneck block (ResNet-50): 1×1, 3×3 (stride), 1×1 with 4× expansion. */
    public static BcosResidualBlock bottleneck(NDManager m, int in, int planes, int stride) {
        int out = planes * 4;
        return new BcosResidualBlock(
                List.of("conv1", "bn1", "conv2", "bn2", "conv3", "bn3"),
                List.of(
                        new BcosConv2d(m, in, planes, 1, 1, 0), new UncenteredBatchNorm2d(m, planes),
                        new BcosConv2d(m, planes, planes, 3, stride, 1), new UncenteredBatchNorm2d(m, planes),
                        new BcosConv2d(m, planes, out, 1, 1, 0), new UncenteredBatchNorm2d(m, out)),
                shortcut(m, in, out, stride));
    }

    private static BcosSequential shortcut(NDManager m, int in, int out, int stride) {
        if (stride == 1 && in == out) {
            return null;
        }
        return new BcosSequential(List.of(new BcosConv2d(m, in, out, 1, stride, 0), new UncenteredBatchNorm2d(m, out)));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray out = main.forward(x, trace);
        return out.add(downsample == null ? x : downsample.forward(x, trace));
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        NDArray viaMain = main.transpose(g, trace);
        return viaMain.add(downsample == null ? g : downsample.transpose(g, trace));
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        NDArray out = main.linear(v, trace);
        return out.add(downsample == null ? v : downsample.linear(v, trace));
    }
}
