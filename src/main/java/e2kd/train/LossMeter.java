package e2kd.train;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Running means of a step's loss parts since the last {@link #reset()}; parts never computed report null. */
final class LossMeter {
    private final double[] sums = new double[4];
    private final int[] counts = new int[4];

    void add(StepResult r) {
        double[] v = {r.total(), r.kd(), r.explanation(), r.groundTruth()};
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i])) {
                sums[i] += v[i];
                counts[i]++;
            }
        }
    }

    double total() {
        return counts[0] == 0 ? Double.NaN : sums[0] / counts[0];
    }

    /** Puts loss, loss_kd, loss_explanation, loss_ground_truth into {@code node}. */
    void write(ObjectNode node) {
        String[] names = {"loss", "loss_kd", "loss_explanation", "loss_ground_truth"};
        for (int i = 0; i < names.length; i++) {
            if (counts[i] == 0) {
                node.putNull(names[i]);
            } else {
                node.put(names[i], sums[i] / counts[i]);
            }
        }
    }

    void reset() {
        java.util.Arrays.fill(sums, 0);
        java.util.Arrays.fill(counts, 0);
    }
}
