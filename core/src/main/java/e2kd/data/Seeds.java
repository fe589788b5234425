package e2kd.data;

import java.util.SplittableRandom;

/**
 * Derives independent, reproducible random streams from one user seed, so that e.g. the
 * augmentation of a sample depends only on (seed, epoch, sample index) and never on thread timing,
 * batch size or visiting order.
 *
 * <p>Derivation: {@code h = mix(seed)}, then for each part {@code h = mix(h ^ mix(part + G))},
 * where {@code mix} is the SplitMix64 finaliser (Steele, Lea, Flood 2014) and {@code G} the 64-bit
 * golden-ratio constant. The result seeds a {@link SplittableRandom}.
 */
public final class Seeds {
    /** Stream tag for per-epoch sample order. */
    public static final long SHUFFLE = 1;
    /** Stream tag for per-sample augmentation. */
    public static final long AUGMENT = 2;
    /** Stream tag for per-batch mixup. */
    public static final long MIXUP = 3;
    /** Stream tag for per-class few-shot selection. */
    public static final long FEW_SHOT = 4;
    /** Stream tag for per-scene composition ({@link CompositeScenes}). */
    public static final long SCENES = 5;
    /** Stream tag for per-step contrastive negatives (CRD). */
    public static final long CRD_NEGATIVES = 6;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /** A 64-bit seed derived from {@code seed} and the ordered {@code parts}. */
    public static long derive(long seed, long... parts) {
        long h = mix(seed);
        for (long part : parts) {
            h = mix(h ^ mix(part + GOLDEN));
        }
        return h;
    }

    /** A generator seeded with {@link #derive(long, long...)}. */
    public static SplittableRandom random(long seed, long... parts) {
        return new SplittableRandom(derive(seed, parts));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
