package e2kd.data;

import java.util.Locale;

/**
 * How many samples of a class a split takes: a count ({@code 50}), a fraction of the class ({@code 0.1} or
 * {@code 10%}, rounded to the nearest whole sample), or {@code all} (every sample the other split leaves).
 */
public record PerClass(Kind kind, int count, double fraction) {
    public enum Kind {
        COUNT,
        FRACTION,
        ALL
    }

    public static final PerClass ALL = new PerClass(Kind.ALL, 0, 0);

    public PerClass {
        if (count < 0 || !(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("per-class count " + count + " and fraction " + fraction + " must be "
                    + ">= 0 and a fraction below 1");
        }
    }

    public static PerClass of(int count) {
        return new PerClass(Kind.COUNT, count, 0);
    }

    /** {@code all}, a whole number, a fraction in (0, 1) or a percentage; {@code what} names the setting in errors. */
    public static PerClass parse(String text, String what) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("all")) {
            return ALL;
        }
        try {
            if (t.endsWith("%")) {
                return fraction(Double.parseDouble(t.substring(0, t.length() - 1)) / 100, text, what);
            }
            if (t.matches("\\d+")) {
                return of(Integer.parseInt(t));
            }
            return fraction(Double.parseDouble(t), text, what);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + "=" + text + " is not valid; expected a count (50), a fraction " + "(0.1 or 10%) or all");
        }
    }

    private static PerClass fraction(double f, String text, String what) {
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException(what + "=" + text + " is not valid; a fraction must lie in (0, 1)");
        }
        return new PerClass(Kind.FRACTION, 0, f);
    }

    /** The count for a class of {@code size} samples of which {@code taken} went to the other split. */
    int of(int size, int taken) {
        return switch (kind) {
            case COUNT -> count;
            case FRACTION -> (int) Math.round(size * fraction);
            case ALL -> size - taken;
        };
    }

    /** The fixed count; fails when this is a fraction or {@code all}. */
    public int fixedCount(String what) {
        if (kind != Kind.COUNT) {
            throw new IllegalArgumentException(what + "=" + this + " must be a count here");
        }
        return count;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COUNT -> Integer.toString(count);
            case FRACTION -> Double.toString(fraction);
            case ALL -> "all";
        };
    }
}
