import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Two ways to the per-pixel channel norms of a B-cos layer's input, and two ways to the per-unit inner products of
 * a weight, each timed through DJL (median of 30 calls after 5, the result closed at once): Σ_c x² as square then
 * sum over channels against libtorch's norm over the channel axis; the (O, 1, K) × (O, K, 1) batched product
 * against an elementwise product and a sum; and the outer product (O, 1, 1) × (O, 1, K) by bmm against a
 * broadcast product (the backward of item 28's norms). docs/DJL-NOTES.md cites its output.
 *
 * <pre>
 *   mvn -q -o package -DskipTests
 *   OMP_NUM_THREADS=2 OMP_WAIT_POLICY=ACTIVE java -cp "target/lib/*" bench/ReductionOps.java
 * </pre>
 */
public final class ReductionOps {
    private static double medianMillis(Supplier<NDArray> op) {
        for (int i = 0; i < 5; i++) {
            op.get().close();
        }
        double[] ms = new double[30];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            op.get().close();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    public static void main(String[] args) {
        NDManager.newBaseManager().close();
        JniUtils.setNumThreads(2);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape[] shapes = {new Shape(16, 64, 32, 32), new Shape(16, 64, 16, 16), new Shape(16, 512, 2, 2)};
            for (Shape s : shapes) {
                NDArray x = m.randomNormal(s);
                double squares = medianMillis(() -> {
                    try (NDArray q = x.square()) {
                        return q.sum(new int[] {1}, true);
                    }
                });
                double norm = medianMillis(() -> x.norm(new int[] {1}, true));
                System.out.printf("%s  square+sum %.3f ms  norm over channels %.3f ms%n", s, squares, norm);
            }
            NDArray rows = m.randomNormal(new Shape(512, 1, 4608));
            NDArray columns = rows.transpose(0, 2, 1);
            NDArray scale = m.randomNormal(new Shape(512, 1, 1));
            double bmm = medianMillis(() -> rows.matMul(columns));
            double mulSum = medianMillis(() -> {
                try (NDArray p = rows.mul(rows)) {
                    return p.sum(new int[] {2});
                }
            });
            double outer = medianMillis(() -> scale.matMul(rows));
            double broadcast = medianMillis(() -> scale.mul(rows));
            System.out.printf(
                    "(512, 1, 4608) inner products: bmm %.3f ms, mul+sum %.3f ms; outer products: bmm %.3f ms,"
                            + " broadcast mul %.3f ms%n",
                    bmm, mulSum, outer, broadcast);
        }
    }
}
