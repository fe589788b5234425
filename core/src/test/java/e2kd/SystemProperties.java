package e2kd;

import java.util.function.Supplier;

/** Runs test code with a JVM system property set, restoring the previous value afterwards. */
public final class SystemProperties {
    private SystemProperties() {}

    public static <T> T with(String key, String value, Supplier<T> body) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            return body.get();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
