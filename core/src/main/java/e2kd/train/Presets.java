package e2kd.train;

import java.util.List;

/** The presets bundled under {@code e2kd/presets/}. */
public final class Presets {
    private static final List<String> NAMES = List.of(
            "fmnist-teacher",
            "fmnist-e2kd",
            "imagenet-50shot-bcos",
            "imagenet-200shot-std",
            "imagenet-full-bcos",
            "imagenet-full-std",
            "demo-teacher",
            "demo-student",
            "demo-quick");

    private Presets() {}

    public static List<String> names() {
        return NAMES;
    }
}
