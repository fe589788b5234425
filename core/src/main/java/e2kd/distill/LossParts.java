package e2kd.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The objective's value for one batch and each term computed this step, by label. */
public record LossParts(NDArray total, Map<String, NDArray> parts) {
    /** The total and every term. */
    public List<NDArray> arrays() {
        List<NDArray> all = new ArrayList<>(parts.values());
        all.add(total);
        return all;
    }

    /** A scalar as a double. */
    public static double value(NDArray scalar) {
        return scalar.toType(DataType.FLOAT64, false).getDouble();
    }

    /** Each computed term as a double, in the objective's order. */
    public Map<String, Double> values() {
        Map<String, Double> out = new LinkedHashMap<>();
        parts.forEach((label, v) -> out.put(label, value(v)));
        return out;
    }
}
