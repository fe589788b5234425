package e2kd.nn.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.bcos.BcosAttention;
import e2kd.nn.bcos.BcosLayerNorm;
import e2kd.nn.bcos.BcosLinear;
import e2kd.nn.bcos.BcosSequential;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One encoder block of a B-cos ViT: x = attn(x) + x, then x = ff(x) + x, with {@code ff.net} = norm, linear1,
 * Identity, linear2 (B-cos LayerNorm and B-cos linears). Transpose: g ↦ g + ffᵀ(g), then g ↦ g + attnᵀ(g).
 */
final class BcosVitEncoder extends Module implements DynamicLinear {
    private final BcosAttention attn;
    private final BcosSequential ff;

    BcosVitEncoder(NDManager m, int dim, int heads, int mlp) {
        attn = child("attn", new BcosAttention(m, dim, heads));
        Map<String, Module> net = new LinkedHashMap<>();
        net.put("norm", new BcosLayerNorm(m, dim));
        net.put("linear1", new BcosLinear(m, dim, mlp));
        net.put("linear2", new BcosLinear(m, mlp, dim));
        ff = child("ff", new BcosSequential(Map.of("net", new BcosSequential(net))));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        NDArray h = attn.forward(x, trace).add(x);
        return ff.forward(h, trace).add(h);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        NDArray h = ff.transpose(g, trace).add(g);
        return attn.transpose(h, trace).add(h);
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        NDArray h = attn.linear(v, trace).add(v);
        return ff.linear(h, trace).add(h);
    }
}
