package e2kd.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.Model;
import e2kd.nn.Taps;
import e2kd.nn.ops.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensor plumbing both SimpleViTs share (the authors' {@code bcos/models/vit.py}): cutting patches, the 2-D
 * sin-cos positional embedding, splitting and merging attention heads, and the token grid a tap sees.
 */
public final class VitOps {
    /** The tap of the mean over tokens, (B, dim). */
    public static final String POOLED = "pooled";

    private static final double TEMPERATURE = 10000;

    private VitOps() {}

    /**
     * {@code b c (h p1) (w p2) -> b (h w) (p1 p2 c)}: (B, C, H, W) → (B, N, p·p·C), tokens in row-major grid order and
     * each token's values ordered p1, p2, then channel.
     */
    public static NDArray patches(NDArray x, int p) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2) / p;
        long w = s.get(3) / p;
        return x.reshape(b, c, h, p, w, p).transpose(0, 2, 4, 3, 5, 1).reshape(b, h * w, (long) p * p * c);
    }

    /** The inverse of {@link #patches}: (B, N, p·p·C) → (B, C, H, W). */
    public static NDArray unpatches(NDArray t, int p, long channels, long height, long width) {
        long b = t.getShape().get(0);
        long h = height / p;
        long w = width / p;
        return t.reshape(b, h, w, p, p, channels).transpose(0, 5, 1, 3, 2, 4).reshape(b, channels, height, width);
    }

    /**
     * The fixed embedding (h·w, dim) in {@code like}'s dtype and manager: ω_k = 1/10000^(k/(dim/4 − 1)), k < dim/4,
     * row = [sin(x·ω), cos(x·ω), sin(y·ω), cos(y·ω)] for the token at column x, row y.
     */
    public static NDArray positionalEmbedding(long h, long w, int dim, NDArray like) {
        int quarter = dim / 4;
        double[] pe = new double[(int) (h * w) * dim];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int row = (int) ((y * w + x) * dim);
                for (int k = 0; k < quarter; k++) {
                    double omega = 1 / Math.pow(TEMPERATURE, (double) k / (quarter - 1));
                    pe[row + k] = Math.sin(x * omega);
                    pe[row + quarter + k] = Math.cos(x * omega);
                    pe[row + 2 * quarter + k] = Math.sin(y * omega);
                    pe[row + 3 * quarter + k] = Math.cos(y * omega);
                }
            }
        }
        try (NDArray javaBacked = like.getManager().create(pe, new Shape(h * w, dim))) {
            return javaBacked.toType(like.getDataType(), true);
        }
    }

    /** {@code b n (h d) -> b h n d}. */
    public static NDArray splitHeads(NDArray t, int heads) {
        Shape s = t.getShape();
        return t.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** {@code b h n d -> b n (h d)}. */
    public static NDArray mergeHeads(NDArray t) {
        Shape s = t.getShape();
        return t.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /** Attention weights A (B, heads, N, N) and the mixed values merge(A·v) (B, N, D). */
    public record Attended(NDArray weights, NDArray output) {}

    /**
     * Multi-head attention from {@code to_qkv}'s output (B, N, 3D), split as {@code qkv.chunk(3, dim=-1)}:
     * A = softmax(q·kᵀ·dim_head^−½) over keys, output = merge(A·v).
     */
    public static Attended attend(NDArray qkv, int heads) {
        NDList parts = qkv.split(3, 2);
        NDArray q = splitHeads(parts.get(0), heads);
        NDArray k = splitHeads(parts.get(1), heads);
        NDArray v = splitHeads(parts.get(2), heads);
        double scale = Math.pow(q.getShape().get(3), -0.5);
        NDArray weights = Scalars.mul(q.matMul(k.transpose(0, 1, 3, 2)), scale).softmax(-1);
        return new Attended(weights, mergeHeads(weights.matMul(v)));
    }

    /**
     * Tokens (B, N, D) through a tap at {@code name}, which sees them as the patch grid (B, D, h, w) (pytorch-grad-cam's
     * reshape_transform); what the tap returns continues as tokens. Without a tap, the tokens themselves.
     */
    public static NDArray tapGrid(Taps taps, String name, NDArray tokens, long h, long w) {
        if (!taps.wants(name)) {
            return tokens;
        }
        Shape s = tokens.getShape();
        NDArray grid = taps.at(name, tokens.reshape(s.get(0), h, w, s.get(2)).transpose(0, 3, 1, 2));
        return grid.transpose(0, 2, 3, 1).reshape(s);
    }

    /** The mean over tokens, (B, N, D) → (B, D). */
    public static NDArray meanTokens(NDArray tokens) {
        return tokens.mean(new int[] {1});
    }

    /** The key of encoder block i under {@code transformer}, also its tap name. */
    public static String encoder(int i) {
        return "encoder_" + i;
    }

    /** {@code encoder_0} … {@code encoder_(depth−1)}, then {@code pooled}. */
    public static List<String> tapNames(int depth) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            names.add(encoder(i));
        }
        names.add(POOLED);
        return List.copyOf(names);
    }

    /** {@link Model#checkInput}, and both sides whole multiples of the patch, else a one-line error. */
    public static void checkInput(Model model, NDArray x, int p) {
        model.checkInput(x);
        Shape s = x.getShape();
        if (s.get(2) % p != 0 || s.get(3) % p != 0) {
            throw new IllegalArgumentException("input is " + s.get(2) + "x" + s.get(3) + " px, model "
                    + model.spec().id() + " needs sides that are multiples of its patch " + p);
        }
    }
}
