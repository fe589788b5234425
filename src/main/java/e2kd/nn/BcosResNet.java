package e2kd.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/**
 * B-cos ResNet as in B-cos-v2 ({@code bcos/models/resnet.py}): every conv a B-cos conv, uncentered bias-free norms,
 * no ReLU, AvgPool2d(3, 2, 1) in place of the stem max-pool, the classifier a 1×1 B-cos conv applied before global
 * average pooling, then the logit bias b = −log(C − 1).
 *
 * <p>Dynamic-linear: y = W(x)·x + b. {@link #explain} runs the transposed pass over a {@link Trace} of
 * {@link #forward(NDArray, Trace)} and returns W_c(x) (B, inChannels, H, W) for one class per sample.
 */
public final class BcosResNet extends Model {
    private final DynamicChain chain;
    private final BcosConv2d fc;
    private final double logitBias;

    BcosResNet(NDManager m, ModelSpec spec, int[] blocks, boolean bottleneck) {
        super(spec);
        ModelOptions o = spec.options();
        boolean small = o.stem() == ModelOptions.Stem.SMALL;
        List<DynamicLinear> parts = new ArrayList<>();
        parts.add(child("conv1", small ? new BcosConv2d(m, o.inChannels(), o.base(), 3, 1, 1)
                : new BcosConv2d(m, o.inChannels(), o.base(), 7, 2, 3)));
        parts.add(child("bn1", new UncenteredBatchNorm2d(m, o.base())));
        if (!small) {
            parts.add(child("pool", new AvgPool2d(3, 2, 1)));
        }
        int in = o.base();
        for (int stage = 0; stage < blocks.length; stage++) {
            int planes = o.base() << stage;
            List<BcosResidualBlock> layer = new ArrayList<>();
            for (int i = 0; i < blocks[stage]; i++) {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                layer.add(bottleneck ? BcosResidualBlock.bottleneck(m, in, planes, stride)
                        : BcosResidualBlock.basic(m, in, planes, stride));
                in = planes * (bottleneck ? 4 : 1);
            }
            parts.add(child("layer" + (stage + 1), new BcosSequential(layer)));
        }
        this.fc = child("fc", new BcosConv2d(m, in, spec.numClasses(), 1, 1, 0));
        parts.add(fc);
        this.chain = new DynamicChain(parts);
        this.logitBias = -Math.log(spec.numClasses() - 1.0);
    }

    /** The constant logit bias −log(C − 1) (not a parameter; B-cos-v2's {@code LogitLayer}). */
    public double logitBias() {
        return logitBias;
    }

    @Override
    public NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /** Logits (B, C); records dynamic factors in {@code trace} when not null. */
    public NDArray forward(NDArray x, Trace trace) {
        checkInput(x);
        NDArray classMap = chain.forward(x, trace);
        if (trace != null) {
            trace.record(this, new Trace.Entry(null, null, classMap.getShape().get(2), classMap.getShape().get(3)));
        }
        return GlobalAvgPool.of(classMap).add(logitBias);
    }

    /**
     * W_c(x) = ∂y_c/∂x with the dynamic factors held at their traced values, by the explicit transposed pass
     * (METHOD.md §2): the head's transpose seeds e_c/(H·W) on the class map, then each block applies Jᵀ.
     *
     * @param classes (B) int64 class per sample
     * @return (B, inChannels, H, W), differentiable w.r.t. the parameters when the trace is
     */
    public NDArray explain(Trace trace, NDArray classes) {
        Trace.Entry head = trace.of(this);
        long h = head.inputHeight();
        long w = head.inputWidth();
        NDArray seed = classes.oneHot(spec().numClasses(), trace.of(fc).weight().getDataType()).div(h * w)
                .reshape(classes.getShape().get(0), spec().numClasses(), 1, 1)
                .broadcast(classes.getShape().get(0), spec().numClasses(), h, w);
        return chain.transpose(seed, trace);
    }

    /** Logits without the bias computed by the linear stream J(x)·v with the traced factors (test oracle). */
    public NDArray linearLogits(NDArray v, Trace trace) {
        return GlobalAvgPool.of(chain.linear(v, trace));
    }
}
