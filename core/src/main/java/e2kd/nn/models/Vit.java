package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.CamModel;
import e2kd.nn.Layer;
import e2kd.nn.Model;
import e2kd.nn.ModelSpec;
import e2kd.nn.Module;
import e2kd.nn.Taps;
import e2kd.nn.layers.Gelu;
import e2kd.nn.layers.GlobalAvgPool;
import e2kd.nn.layers.LayerNorm;
import e2kd.nn.layers.Linear;
import e2kd.nn.layers.Sequential;
import e2kd.nn.layers.VitOps;
import e2kd.nn.ops.Scalars;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standard SimpleViT of the same layout as {@link BcosVit} (the authors' {@code vit.py} with ordinary layers):
 * {@code to_patch_embedding.linear} (linear with bias), the 2-D sin-cos embedding, {@code transformer.encoder_i}
 * (attention: {@code norm} LayerNorm, {@code to_qkv} linear without bias, {@code to_out} linear; feed-forward
 * {@code ff.net}: norm, linear1, GELU, linear2; both residual), the mean over tokens, {@code linear_head.norm} and
 * {@code linear_head.linear}. Taps: {@code encoder_i} as the patch grid (B, dim, h, w), {@code pooled} (B, dim).
 * GradCAM's stage is the last encoder's grid; its weights come in closed form through the head's LayerNorm.
 */
public final class Vit extends Model implements CamModel {
    private final VitOptions options;
    private final Linear patchEmbedding;
    private final Map<String, Encoder> encoders = new LinkedHashMap<>();
    private final LayerNorm headNorm;
    private final Linear headLinear;
    private final List<String> tapNames;

    Vit(NDManager m, ModelSpec spec) {
        super(spec);
        options = spec.options(VitOptions.class);
        int p = options.patch();
        int dim = options.dim();
        patchEmbedding = new Linear(m, p * p * options.inChannels(), dim);
        child("to_patch_embedding", new Sequential(Map.of("linear", patchEmbedding)));
        Module transformer = child("transformer", new Module() {});
        for (int i = 0; i < options.depth(); i++) {
            encoders.put(VitOps.encoder(i), transformer.child(VitOps.encoder(i), new Encoder(m, options)));
        }
        headNorm = new LayerNorm(m, dim);
        headLinear = new Linear(m, dim, spec.numClasses());
        Map<String, Module> head = new LinkedHashMap<>();
        head.put("norm", headNorm);
        head.put("linear", headLinear);
        child("linear_head", new Sequential(head));
        tapNames = VitOps.tapNames(options.depth());
    }

    @Override
    public NDArray forward(NDArray x, Taps taps) {
        VitOps.checkInput(this, x, options.patch());
        taps.check(this);
        long h = x.getShape().get(2) / options.patch();
        long w = x.getShape().get(3) / options.patch();
        NDArray tokens = patchEmbedding.forward(VitOps.patches(x, options.patch()));
        tokens = tokens.add(VitOps.positionalEmbedding(h, w, options.dim(), tokens));
        for (Map.Entry<String, Encoder> e : encoders.entrySet()) {
            tokens = VitOps.tapGrid(taps, e.getKey(), e.getValue().forward(tokens), h, w);
        }
        NDArray pooled = taps.at(VitOps.POOLED, VitOps.meanTokens(tokens));
        return headLinear.forward(headNorm.forward(pooled));
    }

    @Override
    public List<String> tapNames() {
        return tapNames;
    }

    @Override
    public String lastStage() {
        return VitOps.encoder(options.depth() - 1);
    }

    /**
     * y = linear(norm(mean of A)), so ∂y_c/∂A is the same at every position: α = normᵀ(w_c at the mean) / (h·w).
     */
    @Override
    public NDArray gradCamWeights(NDArray rows, NDArray stage) {
        NDArray gradient = headNorm.inputGradient(GlobalAvgPool.of(stage), rows.matMul(headLinear.weight()));
        return Scalars.div(gradient, stage.getShape().get(2) * stage.getShape().get(3));
    }

    @Override
    public Module module() {
        return this;
    }

    /** One encoder block: x = attn(x) + x, x = ff(x) + x. */
    private static final class Encoder extends Module {
        private final Attention attn;
        private final Sequential ff;

        Encoder(NDManager m, VitOptions o) {
            attn = child("attn", new Attention(m, o.dim(), o.heads()));
            Map<String, Module> net = new LinkedHashMap<>();
            net.put("norm", new LayerNorm(m, o.dim()));
            net.put("linear1", new Linear(m, o.dim(), o.mlp()));
            net.put("act", new Gelu());
            net.put("linear2", new Linear(m, o.mlp(), o.dim()));
            ff = child("ff", new Sequential(Map.of("net", new Sequential(net))));
        }

        NDArray forward(NDArray x) {
            NDArray h = attn.forward(x).add(x);
            return ff.forward(h).add(h);
        }
    }

    /** {@code norm}, {@code to_qkv} (no bias), softmax attention over heads of width dim / heads, {@code to_out}. */
    private static final class Attention extends Module implements Layer {
        private final LayerNorm norm;
        private final Linear toQkv;
        private final Linear toOut;
        private final int heads;

        Attention(NDManager m, int dim, int heads) {
            this.heads = heads;
            norm = child("norm", new LayerNorm(m, dim));
            toQkv = child("to_qkv", new Linear(m, dim, 3 * dim, false));
            toOut = child("to_out", new Linear(m, dim, dim));
        }

        @Override
        public NDArray forward(NDArray x) {
            return toOut.forward(
                    VitOps.attend(toQkv.forward(norm.forward(x)), heads).output());
        }
    }
}
