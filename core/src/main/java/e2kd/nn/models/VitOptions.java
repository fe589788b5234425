package e2kd.nn.models;

import e2kd.nn.ArchitectureOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Options of the SimpleViTs (standard and B-cos). dim_head is always dim / heads, as in the authors' SimpleViT.
 *
 * @param patch      patch side p (px)
 * @param dim        token width
 * @param depth      encoder blocks
 * @param heads      attention heads (dim must be a multiple)
 * @param mlp        hidden width of the feed-forward part
 * @param image      nominal input side (px), a multiple of p; any input whose sides are multiples of p is accepted
 * @param inChannels input channels (3 standard, 6 B-cos)
 */
public record VitOptions(int patch, int dim, int depth, int heads, int mlp, int image, int inChannels)
        implements ArchitectureOptions {
    public static final Set<String> KEYS = Set.of("patch", "dim", "depth", "heads", "mlp", "image", "in_channels");

    public VitOptions {
        positive("patch", patch);
        positive("depth", depth);
        positive("heads", heads);
        positive("mlp", mlp);
        positive("in_channels", inChannels);
        if (dim < 8 || dim % 4 != 0) {
            throw new IllegalArgumentException(
                    "option dim=" + dim + " must be a multiple of 4 and at least 8 " + "(the 2-D sin-cos embedding)");
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException("option dim=" + dim + " is not a multiple of heads=" + heads);
        }
        if (image < patch || image % patch != 0) {
            throw new IllegalArgumentException(
                    "option image=" + image + " is not a positive multiple of patch=" + patch);
        }
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("option " + key + "=" + value + " must be positive");
        }
    }

    /** The authors' ViT-Ti layout (patch 16, dim 192, depth 12, heads 3, MLP 768, 224 px). */
    public static VitOptions tiny(int inChannels) {
        return new VitOptions(16, 192, 12, 3, 768, 224, inChannels);
    }

    /** The authors' ViT-S layout (patch 16, dim 384, depth 12, heads 6, MLP 1536, 224 px). */
    public static VitOptions small(int inChannels) {
        return new VitOptions(16, 384, 12, 6, 1536, 224, inChannels);
    }

    /** Parses {@code key=value} options over {@code defaults}; unknown keys and bad values are one-line errors. */
    public static VitOptions parse(Map<String, String> raw, VitOptions defaults) {
        ArchitectureOptions.checkKeys(raw, KEYS);
        return new VitOptions(
                ArchitectureOptions.integer(raw, "patch", defaults.patch),
                ArchitectureOptions.integer(raw, "dim", defaults.dim),
                ArchitectureOptions.integer(raw, "depth", defaults.depth),
                ArchitectureOptions.integer(raw, "heads", defaults.heads),
                ArchitectureOptions.integer(raw, "mlp", defaults.mlp),
                ArchitectureOptions.integer(raw, "image", defaults.image),
                ArchitectureOptions.integer(raw, "in_channels", defaults.inChannels));
    }

    /** dim / heads. */
    public int dimHead() {
        return dim / heads;
    }

    /** One patch: inputs must be whole multiples of it. */
    @Override
    public int minimumInputSize() {
        return patch;
    }

    @Override
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("patch", Integer.toString(patch));
        m.put("dim", Integer.toString(dim));
        m.put("depth", Integer.toString(depth));
        m.put("heads", Integer.toString(heads));
        m.put("mlp", Integer.toString(mlp));
        m.put("image", Integer.toString(image));
        m.put("in_channels", Integer.toString(inChannels));
        return m;
    }
}
