package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import e2kd.nn.Layer;
import e2kd.nn.Module;
import e2kd.nn.layers.BatchNorm2d;
import e2kd.nn.layers.Conv2d;
import e2kd.nn.layers.Sequential;
import e2kd.nn.ops.Autograd;
import e2kd.nn.ops.Scopes;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision ResNet block: out = relu(main(x) + shortcut(x)), main = conv-bn-relu-…-conv-bn. Basic (two 3×3) or
 * bottleneck (1×1, 3×3 with the stride, 1×1 ×4); shortcut = identity or {@code downsample} (1×1 conv + bn).
 */
public final class ResidualBlock extends Module implements Layer {
    private final List<Conv2d> convs;
    private final List<BatchNorm2d> norms = new ArrayList<>();
    /** The shortcut's 1×1 convolution and norm ({@code downsample.0}, {@code downsample.1}), or null (identity). */
    private final Conv2d downsampleConv;

    private final BatchNorm2d downsampleNorm;

    private ResidualBlock(NDManager m, int in, int out, int stride, List<Conv2d> convs) {
        this.convs = convs;
        for (int i = 0; i < convs.size(); i++) {
            child("conv" + (i + 1), convs.get(i));
            norms.add(child("bn" + (i + 1), new BatchNorm2d(m, (int)
                    convs.get(i).weight().getShape().get(0))));
        }
        if (stride == 1 && in == out) {
            downsampleConv = null;
            downsampleNorm = null;
        } else {
            downsampleConv = new Conv2d(m, in, out, 1, stride, 0);
            downsampleNorm = new BatchNorm2d(m, out);
            child("downsample", new Sequential(List.of(downsampleConv, downsampleNorm)));
        }
    }

    public static ResidualBlock basic(NDManager m, int in, int planes, int stride) {
        return new ResidualBlock(
                m,
                in,
                planes,
                stride,
                List.of(new Conv2d(m, in, planes, 3, stride, 1), new Conv2d(m, planes, planes, 3, 1, 1)));
    }

    public static ResidualBlock bottleneck(NDManager m, int in, int planes, int stride) {
        return new ResidualBlock(
                m,
                in,
                planes * 4,
                stride,
                List.of(
                        new Conv2d(m, in, planes, 1, 1, 0),
                        new Conv2d(m, planes, planes, 3, stride, 1),
                        new Conv2d(m, planes, planes * 4, 1, 1, 0)));
    }

    @Override
    public NDArray forward(NDArray x) {
        if (Autograd.isRecording()) {
            return Activation.relu(preActivation(x));
        }
        // without a graph nothing refers to the block's intermediates once its output exists (a frozen teacher)
        return Scopes.keepingOnly(x, () -> Activation.relu(preActivation(x)));
    }

    /** main(x) + shortcut(x), before the block's last ReLU (ReviewKD's and torchdistill's "pre-activation"). */
    NDArray preActivation(NDArray x) {
        NDArray out = x;
        for (int i = 0; i < convs.size(); i++) {
            out = norms.get(i).ofConv(convs.get(i), out);
            if (i < convs.size() - 1) {
                out = Activation.relu(out);
            }
        }
        NDArray identity = downsampleConv == null ? x : downsampleNorm.ofConv(downsampleConv, x);
        return out.add(identity);
    }
}
