package e2kd.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Options every registered model takes.
 *
 * @param stem       {@code imagenet} (7×7 stride-2 conv + pooling) or {@code small} (3×3 stride-1 conv, no stem
 *                   pooling; for 24–64 px images)
 * @param base       channels of the first stage (64 in torchvision); stages have base·{1,2,4,8}
 * @param inChannels input channels (3 for standard models, 6 for B-cos)
 */
public record ModelOptions(Stem stem, int base, int inChannels) {
    public enum Stem { IMAGENET, SMALL }

    public static final Set<String> KEYS = Set.of("stem", "base", "in_channels");

    public ModelOptions {
        if (base < 1) {
            throw new IllegalArgumentException("option base=" + base + " must be a positive channel count");
        }
        if (inChannels < 1) {
            throw new IllegalArgumentException("option in_channels=" + inChannels + " must be positive");
        }
    }

    /** Parses {@code key=value} options; unknown keys and bad values are errors naming the valid ones. */
    public static ModelOptions parse(Map<String, String> raw, int defaultInChannels) {
        for (String key : raw.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown model option '" + key + "'; valid options: " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        String stemText = raw.getOrDefault("stem", "imagenet");
        Stem stem = switch (stemText) {
            case "imagenet" -> Stem.IMAGENET;
            case "small" -> Stem.SMALL;
            default -> throw new IllegalArgumentException("model option stem=" + stemText + " is not valid; expected imagenet or small");
        };
        return new ModelOptions(stem, integer(raw, "base", 64), integer(raw, "in_channels", defaultInChannels));
    }

    private static int integer(Map<String, String> raw, String key, int fallback) {
        String v = raw.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model option " + key + "=" + v + " is not an integer");
        }
    }

    /** The options as {@code key=value} strings (for checkpoints and configs). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stem", stem.name().toLowerCase(java.util.Locale.ROOT));
        m.put("base", Integer.toString(base));
        m.put("in_channels", Integer.toString(inChannels));
        return m;
    }
}
