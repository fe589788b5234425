package e2kd.nn;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * A B-cos classifier as in B-cos-v2: dynamic-linear feature blocks, then a 1×1 B-cos conv classifier applied
 * <em>before</em> global average pooling, then the constant logit bias b = −log(C − 1) ({@code LogitLayer}).
 *
 * <p>y = W(x)·x + b. {@link #explain} runs the transposed pass over a {@link Trace} of
 * {@link #forward(NDArray, Trace)} and returns W_c(x) (B, inChannels, H, W) for one class per sample.
 */
public abstract class BcosModel extends Model {
    private DynamicChain chain;
    private BcosConv2d classifier;
    private final double logitBias;

    protected BcosModel(ModelSpec spec) {
        super(spec);
        this.logitBias = -Math.log(spec.numClasses() - 1.0);
    }

    /** Sets the body once, from the subclass constructor: the feature blocks in order, then the classifier. */
    protected final void body(List<DynamicLinear> features, BcosConv2d classifier) {
        if (chain != null) {
            throw new IllegalStateException("body set twice");
        }
        List<DynamicLinear> parts = new ArrayList<>(features);
        parts.add(classifier);
        this.chain = new DynamicChain(parts);
        this.classifier = classifier;
    }

    /** The constant logit bias −log(C − 1) (not a parameter; B-cos-v2's {@code LogitLayer}). */
    public final double logitBias() {
        return logitBias;
    }

    @Override
    public final NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /** Logits (B, C); records dynamic factors in {@code trace} when not null. */
    public final NDArray forward(NDArray x, Trace trace) {
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
    public final NDArray explain(Trace trace, NDArray classes) {
        Trace.Entry head = trace.of(this);
        long h = head.inputHeight();
        long w = head.inputWidth();
        long b = classes.getShape().get(0);
        int c = spec().numClasses();
        NDArray seed = classes.oneHot(c, trace.of(classifier).weight().getDataType()).div(h * w)
                .reshape(b, c, 1, 1).broadcast(b, c, h, w);
        return chain.transpose(seed, trace);
    }

    /** Logits without the bias computed by the linear stream J(x)·v with the traced factors (test oracle). */
    public final NDArray linearLogits(NDArray v, Trace trace) {
        return GlobalAvgPool.of(chain.linear(v, trace));
    }
}
