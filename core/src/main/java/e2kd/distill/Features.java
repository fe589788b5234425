package e2kd.distill;

import ai.djl.ndarray.NDArray;
import java.util.Map;

public final class Features {
    private Features() {}

    static NDArray get(Map<String, NDArray> features, String name, String network) {
        NDArray f = features.get(name);
        if (f == null) {
            throw new IllegalStateException(
                    "the " + network + "'s feature '" + name + "' was not computed; a criterion "
                            + "reads only the features its needs() names (computed: " + features.keySet() + ")");
        }
        return f;
    }
}
