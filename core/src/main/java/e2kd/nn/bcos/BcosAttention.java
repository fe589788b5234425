package e2kd.nn.bcos;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import e2kd.nn.DynamicLinear;
import e2kd.nn.Module;
import e2kd.nn.Trace;
import e2kd.nn.layers.Linear;
import e2kd.nn.layers.VitOps;
import e2kd.nn.ops.Scopes;

/**
 * The attention part of a B-cos ViT encoder block (the authors' {@code Attention}): {@code norm} (B-cos LayerNorm),
 * {@code to_qkv} (a plain linear layer without bias, not B-cos), heads of width dim / heads, softmax attention A, the
 * value mixing A·v, then {@code to_out} (B-cos linear). A depends on x and is the dynamic factor; v is linear in the
 * normed tokens, so out = to_out(merge(A · split(W_v · norm(x)))) is dynamic linear. Tokens (B, N, D) → (B, N, D).
 */
public final class BcosAttention extends Module implements DynamicLinear {
    private final BcosLayerNorm norm;
    private final Linear toQkv;
    private final BcosLinear toOut;
    private final int heads;
    private final int dim;

    public BcosAttention(NDManager m, int dim, int heads) {
        this.dim = dim;
        this.heads = heads;
        norm = child("norm", new BcosLayerNorm(m, dim));
        toQkv = child("to_qkv", new Linear(m, dim, 3 * dim, false));
        toOut = child("to_out", new BcosLinear(m, dim, dim));
    }

    @Override
    public NDArray forward(NDArray x, Trace trace) {
        VitOps.Attended a = VitOps.attend(toQkv.forward(norm.forward(x, trace)), heads);
        if (trace != null) {
            trace.record(this, new Trace.Entry(a.weights(), null, 0, 0));
        }
        return toOut.forward(a.output(), trace);
    }

    @Override
    public NDArray transpose(NDArray g, Trace trace) {
        NDArray attention = trace.of(this).factor();
        NDArray mixed = VitOps.splitHeads(toOut.transpose(g, trace), heads);
        NDArray values = VitOps.mergeHeads(attention.transpose(0, 1, 3, 2).matMul(mixed));
        return norm.transpose(values.matMul(Scopes.owned(g, valueWeight())), trace);
    }

    @Override
    public NDArray linear(NDArray v, Trace trace) {
        NDArray values =
                norm.linear(v, trace).matMul(Scopes.owned(v, valueWeight().transpose()));
        NDArray mixed = trace.of(this).factor().matMul(VitOps.splitHeads(values, heads));
        return toOut.linear(VitOps.mergeHeads(mixed), trace);
    }

    /** The rows of {@code to_qkv.weight} that make v, (D, D). */
    private NDArray valueWeight() {
        return toQkv.weight().get(new NDIndex(2L * dim + ":" + 3L * dim));
    }
}
