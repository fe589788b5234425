package e2kd.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.data.Batch;
import e2kd.data.DataLoader;
import e2kd.data.EpochIterator;
import e2kd.distill.criteria.ExplanationLoss;
import e2kd.explain.ClassChoice;
import e2kd.explain.Contributions;
import e2kd.explain.Explained;
import e2kd.explain.Explainer;
import e2kd.nn.Model;
import e2kd.nn.models.VitOptions;
import e2kd.nn.ops.Autograd;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Explanation shift-consistency (METHOD.md §5): for images of H × W and a patch size p, the crop of (H − p) × (W − p)
 * at offset (0, 0) and the crop at each offset (dx, dy), 0 ≤ dx, dy &lt; p, not both 0, are explained for the class
 * the model predicts on the first crop; over the region both crops show, the cosine between their contribution maps
 * ({@link Contributions}: Σ_c W⊙x for B-cos, the GradCAM map for standard models), averaged over images, per shift
 * and over all shifts. The encodings are per pixel, so cropping encoded images equals encoding crops.
 */
public final class ShiftConsistency {
    /**
     * @param patch    p
     * @param perShift mean cosine per shift i = 1 … p² − 1 at index i − 1, for dy = i / p, dx = i % p
     * @param mean     the mean over the shifts
     * @param count    images
     */
    public record Result(int patch, double[] perShift, double mean, int count) {
        /** dx of entry {@code index} of {@link #perShift}. */
        public int dx(int index) {
            return (index + 1) % patch;
        }

        /** dy of entry {@code index} of {@link #perShift}. */
        public int dy(int index) {
            return (index + 1) / patch;
        }
    }

    private ShiftConsistency() {}

    /** The patch of the first of {@code models} that is a ViT (null entries skipped); 0 when none is. */
    public static int vitPatch(Model... models) {
        for (Model m : models) {
            if (m != null && m.spec().options() instanceof VitOptions v) {
                return v.patch();
            }
        }
        return 0;
    }

    /** Over every batch of {@code loader}. */
    public static Result of(Explainer explainer, DataLoader loader, int patch, NDManager manager) {
        return tally(explainer, loader, patch, manager).result();
    }

    /** What {@link #of} sums, batch by batch (joined parts give the whole bit for bit, as for the evaluator's). */
    public static Tally tally(Explainer explainer, DataLoader loader, int patch, NDManager manager) {
        List<double[]> batches = new ArrayList<>();
        int count = 0;
        try (EpochIterator it = loader.epoch(0, manager)) {
            while (it.hasNext()) {
                try (Batch b = it.next()) {
                    batches.add(cosineSums(explainer, b.images(), patch));
                    count += b.size();
                }
            }
        }
        return new Tally(patch, batches, count);
    }

    /**
     * Per batch in order, the sums over its images of the cosine per shift; and the number of images.
     *
     * @param patch   p
     * @param batches {@link #cosineSums} of each batch
     * @param count   images
     */
    public record Tally(int patch, List<double[]> batches, int count) implements Serializable {
        /** This part followed by {@code next}, the part of the images after it. */
        public Tally then(Tally next) {
            List<double[]> both = new ArrayList<>(batches);
            both.addAll(next.batches);
            return new Tally(patch, both, count + next.count);
        }

        public Result result() {
            if (count == 0) {
                throw new IllegalArgumentException("evaluation split is empty");
            }
            double[] sums = new double[patch * patch - 1];
            for (double[] batch : batches) {
                for (int i = 0; i < sums.length; i++) {
                    sums[i] += batch[i];
                }
            }
            double total = 0;
            for (int i = 0; i < sums.length; i++) {
                sums[i] /= count;
                total += sums[i];
            }
            return new Result(patch, sums, total / sums.length, count);
        }
    }

    /** Per shift (order of {@link Result#perShift}), the sum over the batch's images of the cosine. */
    static double[] cosineSums(Explainer explainer, NDArray x, int patch) {
        Shape s = x.getShape();
        long h = s.get(2) - patch;
        long w = s.get(3) - patch;
        if (patch < 2 || h < 1 || w < 1) {
            throw new IllegalArgumentException("shift-consistency with patch " + patch + " needs images larger than "
                    + patch + " px and a patch of at least 2, got " + s.get(2) + "x" + s.get(3));
        }
        double[] sums = new double[patch * patch - 1];
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray first = crop(x, 0, 0, h, w, scope);
            Explained e = Autograd.recording(() -> explainer.explain(first, ClassChoice.top1()));
            NDArray classes = e.classes();
            NDArray reference = Contributions.of(explainer, e, first);
            for (int i = 1; i < patch * patch; i++) {
                int dy = i / patch;
                int dx = i % patch;
                try (NDManager shiftScope = scope.newSubManager()) {
                    NDArray shifted = crop(x, dy, dx, h, w, shiftScope);
                    Explained f = Autograd.recording(() -> explainer.explain(shifted, ClassChoice.fixed(classes)));
                    NDArray map = Contributions.of(explainer, f, shifted);
                    NDArray a = reference.get(new NDIndex(":, {}:, {}:", dy, dx));
                    NDArray b = map.get(new NDIndex(":, :{}, :{}", h - dy, w - dx));
                    sums[i - 1] = ExplanationLoss.cosine(a, b)
                            .sum()
                            .toType(DataType.FLOAT64, false)
                            .getDouble();
                }
            }
        }
        return sums;
    }

    /** x[:, :, dy:dy+h, dx:dx+w] as a dense array owned by {@code owner}. */
    private static NDArray crop(NDArray x, long dy, long dx, long h, long w, NDManager owner) {
        try (NDArray view = x.get(new NDIndex(":, :, {}:{}, {}:{}", dy, dy + h, dx, dx + w))) {
            NDArray c = view.duplicate();
            c.attach(owner);
            return c;
        }
    }
}
