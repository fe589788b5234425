package e2kd;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need something outside the build (Debian's python3-torch, the Fashion-MNIST package) skip where it is
 * missing, except under CI: {@code .ci/run} installs it and sets {@value #CI_VARIABLE}=1, and then a missing piece
 * fails the test instead of skipping it.
 */
public final class Installed {
    public static final String CI_VARIABLE = "E2KD_CI";

    private Installed() {}

    /** Skips the calling test when {@code present} is false, or fails it under CI. */
    public static void require(boolean present, String what) {
        require(present, what, System.getenv(CI_VARIABLE));
    }

    static void require(boolean present, String what, String ciValue) {
        if (present) {
            return;
        }
        if ("1".equals(ciValue)) {
            fail(what + " is missing, but " + CI_VARIABLE + "=1 says .ci/run installed it");
        }
        Assumptions.abort(what + " is missing");
    }
}
