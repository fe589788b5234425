package e2kd.data;

import java.util.SplittableRandom;

/**
 * Samples Beta(a,b) as {@code X/(X+Y)} with {@code X ~ Gamma(a)}, {@code Y ~ Gamma(b)}.
 * Hand-written because the JDK has no Beta or Gamma sampler. Gamma uses Marsaglia and Tsang
 * (2000), with the boost {@code Gamma(k) = Gamma(k+1) * U^(1/k)} for {@code k < 1}.
 */
public final class BetaDistribution {
    private BetaDistribution() {}

    /** One draw in [0,1]. */
    public static double sample(double a, double b, SplittableRandom rng) {
        if (!(a > 0) || !(b > 0)) {
            throw new IllegalArgumentException("Beta parameters must be positive, got " + a + ", " + b);
        }
        double x = gamma(a, rng);
        double y = gamma(b, rng);
        return x + y == 0 ? (rng.nextBoolean() ? 0 : 1) : x / (x + y);
    }

    private static double gamma(double shape, SplittableRandom rng) {
        if (shape < 1) {
            return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = rng.nextGaussian();
            double v = 1 + c * z;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
                return d * v;
            }
        }
    }
}
