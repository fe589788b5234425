import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The fixed cost of one libtorch operator called through DJL: an add of two small arrays (16×64×4×4, the size of
 * many of the B-cos step's operators), its result closed at once, timed over 20,000 calls, five rounds (the first
 * warms up). bench/op_overhead.py times the same operator from PyTorch's Python.
 *
 * <pre>
 *   mvn -q -o package -DskipTests
 *   OMP_NUM_THREADS=2 OMP_WAIT_POLICY=ACTIVE java -cp "target/lib/*" bench/OpOverhead.java
 * </pre>
 */
public final class OpOverhead {
    private static final int CALLS = 20_000;

    public static void main(String[] args) {
        NDManager.newBaseManager().close();
        JniUtils.setNumThreads(2);
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray a = root.randomNormal(new Shape(16, 64, 4, 4));
            NDArray b = root.randomNormal(new Shape(16, 64, 4, 4));
            for (int round = 0; round < 5; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    a.add(b).close();
                }
                System.out.printf("%.2f us/op%n", (System.nanoTime() - start) / 1e3 / CALLS);
            }
        }
    }
}
