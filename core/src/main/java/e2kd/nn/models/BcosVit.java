package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.BcosClassifier;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Model;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.Taps;
import e2kd.nn.Trace;
import e2kd.nn.bcos.BcosLayerNorm;
import e2kd.nn.bcos.BcosLinear;
import e2kd.nn.bcos.BcosSequential;
import e2kd.nn.layers.VitOps;
import e2kd.nn.ops.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authors' B-cos SimpleViT ({@code bcos/models/vit.py}, configured as their {@code bcos_vits}), wrapped as
 * {@code BcosSequential(vit, LogitLayer)}, so every key starts with {@code 0.}:
 * <ol>
 *   <li>patches p × p cut as {@code b c (h p1) (w p2) -> b (h w) (p1 p2 c)}, {@code to_patch_embedding.linear}
 *       (B-cos linear p·p·C → dim);</li>
 *   <li>plus the fixed 2-D sin-cos positional embedding (no class token);</li>
 *   <li>{@code transformer.encoder_i}, i < depth ({@link BcosVitEncoder});</li>
 *   <li>the mean over tokens, {@code linear_head.norm} (B-cos LayerNorm), {@code linear_head.linear} (B-cos linear
 *       dim → C), then the logit bias −log(C − 1).</li>
 * </ol>
 * Every block is dynamic linear and the embedding is an additive constant, so y = W(x)·x + b + (the embedding's
 * contribution). Taps: {@code encoder_i} (tokens as the patch grid (B, dim, h, w)) and {@code pooled} (B, dim).
 */
public final class BcosVit extends Model implements BcosClassifier {
    private final VitOptions options;
    private final BcosLinear patchEmbedding;
    private final BcosSequential transformer;
    private final BcosSequential head;
    private final List<String> tapNames;
    private final double logitBias;

    BcosVit(NDManager m, ModelSpec spec) {
        super(spec);
        options = spec.options(VitOptions.class);
        logitBias = BcosClassifier.logitBias(spec.numClasses());
        Module vit = child("0", new Module() {});
        int p = options.patch();
        patchEmbedding = new BcosLinear(m, p * p * options.inChannels(), options.dim());
        vit.child("to_patch_embedding", new BcosSequential(Map.of("linear", patchEmbedding)));
        Map<String, Module> encoders = new LinkedHashMap<>();
        for (int i = 0; i < options.depth(); i++) {
            encoders.put(VitOps.encoder(i), new BcosVitEncoder(m, options.dim(), options.heads(), options.mlp()));
        }
        transformer = vit.child("transformer", new BcosSequential(encoders));
        Map<String, Module> headParts = new LinkedHashMap<>();
        headParts.put("norm", new BcosLayerNorm(m, options.dim()));
        headParts.put("linear", new BcosLinear(m, options.dim(), spec.numClasses()));
        head = vit.child("linear_head", new BcosSequential(headParts));
        tapNames = VitOps.tapNames(options.depth());
    }

    @Override
    public double logitBias() {
        return logitBias;
    }

    @Override
    public Model model() {
        return this;
    }

    @Override
    public List<String> tapNames() {
        return tapNames;
    }

    @Override
    public NDArray forward(NDArray x, Taps taps) {
        return forward(x, null, taps);
    }

    @Override
    public NDArray forward(NDArray x, Trace trace, Taps taps) {
        VitOps.checkInput(this, x, options.patch());
        taps.check(this);
        long h = x.getShape().get(2) / options.patch();
        long w = x.getShape().get(3) / options.patch();
        NDArray tokens = patchEmbedding.forward(VitOps.patches(x, options.patch()), trace);
        tokens = tokens.add(VitOps.positionalEmbedding(h, w, options.dim(), tokens));
        for (Map.Entry<String, DynamicLinear> e : transformer.blocks().entrySet()) {
            tokens = VitOps.tapGrid(taps, e.getKey(), e.getValue().forward(tokens, trace), h, w);
        }
        NDArray pooled = taps.at(VitOps.POOLED, VitOps.meanTokens(tokens));
        if (trace != null) {
            trace.record(
                    this,
                    new Trace.Entry(
                            null, null, x.getShape().get(2), x.getShape().get(3)));
        }
        return head.forward(pooled, trace).add(logitBias);
    }

    /** e_c through the head's transpose and the mean's, then each encoder's Jᵀ, then the patch embedding's. */
    @Override
    public NDArray explain(Trace trace, NDArray classes) {
        Trace.Entry input = trace.of(this);
        NDArray tokens = patchEmbedding.transpose(tokenExplanation(trace, classes), trace);
        return VitOps.unpatches(tokens, options.patch(), options.inChannels(), input.inputHeight(), input.inputWidth());
    }

    /**
     * ∂y_c/∂t with the factors held, at the tokens t after the positional embedding is added, (B, N, dim): y_c − b is
     * Σ this ⊙ t exactly, and Σ this ⊙ (embedding) is the embedding's contribution to the logit.
     */
    NDArray tokenExplanation(Trace trace, NDArray classes) {
        Trace.Entry input = trace.of(this);
        long n = input.inputHeight() / options.patch() * (input.inputWidth() / options.patch());
        long b = classes.getShape().get(0);
        NDArray seed = classes.oneHot(
                spec().numClasses(), trace.of(patchEmbedding).weight().getDataType());
        NDArray pooled = Scalars.div(head.transpose(seed, trace), n);
        return transformer.transpose(
                pooled.reshape(b, 1, options.dim()).broadcast(new Shape(b, n, options.dim())), trace);
    }

    @Override
    public NDArray linearLogits(NDArray v, Trace trace) {
        NDArray tokens = patchEmbedding.linear(VitOps.patches(v, options.patch()), trace);
        return head.linear(VitOps.meanTokens(transformer.linear(tokens, trace)), trace);
    }
}
