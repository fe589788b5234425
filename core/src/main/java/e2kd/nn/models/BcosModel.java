package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import e2kd.nn.BcosClassifier;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Model;
import e2kd.nn.ModelSpec;
import e2kd.nn.Taps;
import e2kd.nn.Trace;
import e2kd.nn.bcos.BcosConv2d;
import e2kd.nn.bcos.DynamicChain;
import e2kd.nn.layers.GlobalAvgPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A B-cos classifier as in B-cos-v2: dynamic-linear feature blocks, then a 1×1 B-cos conv classifier applied
 * <em>before</em> global average pooling, then the constant logit bias b = −log(C − 1) ({@code LogitLayer}).
 *
 * <p>y = W(x)·x + b. {@link #explain} runs the transposed pass over a {@link Trace} of
 * {@link #forward(NDArray, Trace)} and returns W_c(x) (B, inChannels, H, W) for one class per sample.
 */
public abstract class BcosModel extends Model implements BcosClassifier {
    private static final String POOLED = "pooled";
    private static final String CAM = "cam";
    private DynamicChain features;
    private BcosConv2d classifier;
    private Map<String, String> aliases = Map.of();
    private List<String> tapNames;
    private final double logitBias;

    protected BcosModel(ModelSpec spec) {
        super(spec);
        this.logitBias = BcosClassifier.logitBias(spec.numClasses());
    }

    /**
     * Sets the body once, from the subclass constructor: the feature blocks in order under their tap names, the
     * classifier, and further names some of those points are also reached under (e.g. {@code denseblock3 → layer3}).
     */
    protected final void body(Map<String, DynamicLinear> features, BcosConv2d classifier, Map<String, String> aliases) {
        if (this.features != null) {
            throw new IllegalStateException("body set twice");
        }
        this.features = new DynamicChain(features);
        this.classifier = classifier;
        this.aliases = Map.copyOf(aliases);
        List<String> names = new ArrayList<>(features.keySet());
        names.addAll(aliases.values());
        names.add(POOLED);
        names.add(CAM);
        this.tapNames = List.copyOf(names);
    }

    @Override
    public final double logitBias() {
        return logitBias;
    }

    /**
     * The feature blocks by name, the stage aliases, {@code pooled} (the global average of the classifier's input,
     * (B, K)) and {@code cam}, the class maps before pooling and logit bias (B, C, h, w).
     */
    @Override
    public final List<String> tapNames() {
        return tapNames;
    }

    @Override
    public final NDArray forward(NDArray x, Taps taps) {
        return forward(x, null, taps);
    }

    /** Logits (B, C); records dynamic factors in {@code trace} when not null. */
    public final NDArray forward(NDArray x, Trace trace) {
        return forward(x, trace, Taps.none());
    }

    @Override
    public final NDArray forward(NDArray x, Trace trace, Taps taps) {
        checkInput(x);
        taps.check(this);
        Taps named = taps.aliased(aliases);
        NDArray feature = features.forward(x, trace, named);
        if (named.wants(POOLED)) {
            named.at(POOLED, GlobalAvgPool.of(feature));
        }
        NDArray classMap = named.at(CAM, classifier.forward(feature, trace));
        if (trace != null) {
            trace.record(
                    this,
                    new Trace.Entry(
                            null,
                            null,
                            classMap.getShape().get(2),
                            classMap.getShape().get(3)));
        }
        return GlobalAvgPool.of(classMap).add(logitBias);
    }

    /** The head's transpose seeds e_c/(H·W) on the class map, then each block applies Jᵀ. */
    @Override
    public final NDArray explain(Trace trace, NDArray classes) {
        Trace.Entry head = trace.of(this);
        long h = head.inputHeight();
        long w = head.inputWidth();
        long b = classes.getShape().get(0);
        int c = spec().numClasses();
        NDArray seed = classes.oneHot(c, trace.of(classifier).weight().getDataType())
                .div(h * w)
                .reshape(b, c, 1, 1)
                .broadcast(b, c, h, w);
        return features.transpose(classifier.transpose(seed, trace), trace);
    }

    @Override
    public final NDArray linearLogits(NDArray v, Trace trace) {
        return GlobalAvgPool.of(classifier.linear(features.linear(v, trace), trace));
    }

    @Override
    public final Model model() {
        return this;
    }
}
