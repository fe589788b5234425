package e2kd.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import e2kd.distill.criteria.ExplanationCriterion;
import e2kd.distill.criteria.GroundTruthCriterion;
import e2kd.distill.criteria.KdCriterion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Running means of a step's loss and of each term since the last {@link #reset()}, written as {@code loss} and
 * {@code loss_LABEL}. The three terms of paper Eq. 3 (kd, explanation, ground_truth) are always written, null when
 * not computed, so runs of every method have those columns; any other term is written under its label.
 */
final class LossMeter {
    private static final List<String> EQ3_TERMS = List.of(
            KdCriterion.FACTORY.name(), ExplanationCriterion.FACTORY.name(), GroundTruthCriterion.FACTORY.name());
    private final Map<String, double[]> sums = new LinkedHashMap<>();

    LossMeter(List<String> labels) {
        sums.put("loss", new double[2]);
        EQ3_TERMS.forEach(label -> sums.put("loss_" + label, new double[2]));
        labels.forEach(label -> sums.putIfAbsent("loss_" + label, new double[2]));
    }

    void add(StepResult r) {
        add("loss", r.total());
        r.parts().forEach((label, v) -> add("loss_" + label, v));
    }

    private void add(String key, double v) {
        double[] s = sums.get(key);
        if (s != null && !Double.isNaN(v)) {
            s[0] += v;
            s[1]++;
        }
    }

    double total() {
        double[] s = sums.get("loss");
        return s[1] == 0 ? Double.NaN : s[0] / s[1];
    }

    /** Puts loss and every loss_LABEL into {@code node} (null where nothing was computed). */
    void write(ObjectNode node) {
        sums.forEach((key, s) -> {
            if (s[1] == 0) {
                node.putNull(key);
            } else {
                node.put(key, s[0] / s[1]);
            }
        });
    }

    void reset() {
        sums.values().forEach(s -> java.util.Arrays.fill(s, 0));
    }
}
