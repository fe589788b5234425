package e2kd.nn.models;

import e2kd.nn.ArchitectureOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options of the convolutional architectures (ResNets, DenseNets, standard and B-cos), plus the DenseNet growth rate.
 *
 * @param stem       {@code imagenet} (7×7 stride-2 conv + pooling) or {@code small} (3×3 stride-1 conv, no stem
 *                   pooling; for 24–64 px images)
 * @param base       channels of the first stage: ResNet stages have base·{1,2,4,8} (64 in torchvision); DenseNet's
 *                   stem has base channels ({@code num_init_features}, 64 in torchvision)
 * @param inChannels input channels (3 for standard models, 6 for B-cos)
 * @param growth     DenseNet growth rate k (32 in torchvision); 0 for models without one
 */
public record CnnOptions(Stem stem, int base, int inChannels, int growth) implements ArchitectureOptions {
    public enum Stem {
        IMAGENET,
        SMALL
    }

    public static final Set<String> KEYS = Set.of("stem", "base", "in_channels");
    private static final String GROWTH = "growth";

    public CnnOptions {
        if (base < 1) {
            throw new IllegalArgumentException("option base=" + base + " must be a positive channel count");
        }
        if (inChannels < 1) {
            throw new IllegalArgumentException("option in_channels=" + inChannels + " must be positive");
        }
        if (growth < 0) {
            throw new IllegalArgumentException("option growth=" + growth + " must be a positive channel count");
        }
    }

    /** Options of a model without a growth rate. */
    public CnnOptions(Stem stem, int base, int inChannels) {
        this(stem, base, inChannels, 0);
    }

    /**
     * Parses {@code key=value} options; unknown keys and bad values are errors naming the valid ones. {@code growth}
     * is a valid key only where {@code defaultGrowth > 0} (DenseNets).
     */
    public static CnnOptions parse(Map<String, String> raw, int defaultInChannels, int defaultGrowth) {
        Set<String> valid = new TreeSet<>(KEYS);
        if (defaultGrowth > 0) {
            valid.add(GROWTH);
        }
        ArchitectureOptions.checkKeys(raw, valid);
        String stemText = raw.getOrDefault("stem", "imagenet");
        Stem stem = switch (stemText) {
            case "imagenet" -> Stem.IMAGENET;
            case "small" -> Stem.SMALL;
            default ->
                throw new IllegalArgumentException(
                        "model option stem=" + stemText + " is not valid; expected imagenet or small");
        };
        int growth = defaultGrowth > 0 ? ArchitectureOptions.integer(raw, GROWTH, defaultGrowth) : 0;
        if (defaultGrowth > 0 && growth < 1) {
            throw new IllegalArgumentException("option growth=" + growth + " must be a positive channel count");
        }
        return new CnnOptions(
                stem,
                ArchitectureOptions.integer(raw, "base", 64),
                ArchitectureOptions.integer(raw, "in_channels", defaultInChannels),
                growth);
    }

    /** Total downsampling of the feature stages: 32 with the ImageNet stem, 8 with the small one. */
    @Override
    public int minimumInputSize() {
        return stem == Stem.IMAGENET ? 32 : 8;
    }

    /** The options as {@code key=value} strings (for checkpoints and configs); growth only where the model has one. */
    @Override
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stem", stem.name().toLowerCase(java.util.Locale.ROOT));
        m.put("base", Integer.toString(base));
        m.put("in_channels", Integer.toString(inChannels));
        if (growth > 0) {
            m.put(GROWTH, Integer.toString(growth));
        }
        return m;
    }
}
