package e2kd.distill.criteria;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArrayEx;
import e2kd.nn.Module;
import e2kd.nn.layers.BatchNorm2d;
import e2kd.nn.layers.Sequential;
import java.util.List;

/**
 * ReviewKD's attention-based fusion (ABF, Chen et al. 2021, Fig. 3): a 1×1 conv + BN takes one student level to
 * the mid width; except at the deepest level, the deeper levels' fused residual, resized to this level (nearest),
 * is blended in with two spatial attention maps from a 1×1 conv + sigmoid on both; the fused map, resized to the
 * teacher's size at this level (nearest), is both the residual handed to the next, shallower level and, through a
 * 3×3 conv + BN, this level's output in the teacher's width. Keys as in the original module: {@code conv1.0.weight},
 * {@code conv1.1.*} (BN), {@code conv2.0.weight}, {@code conv2.1.*}, {@code att_conv.0.weight},
 * {@code att_conv.0.bias}.
 */
final class Abf extends Module {
    /** PyTorch's {@code mode="nearest"} in DJL's interpolation numbering. */
    private static final int NEAREST = 0;

    private final Sequential conv1;
    private final Sequential conv2;
    private final Sequential attention;

    /** One level's output in the teacher's width and the residual for the next level, in the mid width. */
    record Out(NDArray output, NDArray residual) {}

    /** Convolutions initialised as the original: kaiming_uniform_(a=1) for conv1 and conv2, PyTorch's default else. */
    Abf(NDManager m, int in, int mid, int out, boolean fuse) {
        conv1 = child(
                "conv1", new Sequential(List.of(new ConnectorConv(m, in, mid, 1, false, 1), new BatchNorm2d(m, mid))));
        conv2 = child(
                "conv2", new Sequential(List.of(new ConnectorConv(m, mid, out, 3, false, 1), new BatchNorm2d(m, out))));
        attention = fuse
                ? child(
                        "att_conv",
                        new Sequential(List.of(
                                new ConnectorConv(m, 2 * mid, 2, 1, true, ConnectorConv.DEFAULT_SLOPE), new Sigmoid())))
                : null;
    }

    /**
     * @param x        this level's student feature (B, in, h, w)
     * @param residual the deeper levels' fused map (B, mid, h', w'); null at the deepest level
     * @param outH     the teacher's height at this level
     * @param outW     the teacher's width at this level
     */
    Out forward(NDArray x, NDArray residual, long outH, long outW) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        NDArray fused = conv1.forward(x);
        if (attention != null) {
            NDArray y = nearest(residual, h, w);
            NDArray z = attention.forward(fused.concat(y, 1));
            fused = fused.mul(z.get(":, 0:1")).add(y.mul(z.get(":, 1:2")));
        }
        fused = nearest(fused, outH, outW);
        return new Out(conv2.forward(fused), fused);
    }

    /** x resized to h × w by PyTorch's (legacy) nearest rule: source index ⌊i · in / out⌋; x itself when it fits. */
    static NDArray nearest(NDArray x, long h, long w) {
        if (x.getShape().get(2) == h && x.getShape().get(3) == w) {
            return x;
        }
        return ((PtNDArrayEx) x.getNDArrayInternal()).interpolation(new long[] {h, w}, NEAREST, false);
    }
}
