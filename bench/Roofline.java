import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Arrays;

/**
 * What libtorch (through DJL, the same natives as e2kd) reaches on this machine: the forward convolutions of the
 * B-cos ResNets at 64 px, batch 16 (the shapes of {@code bench --case bcos-r34-r18}), and large matrix products as
 * the ceiling of its fp32 kernels. Median of 15 timed calls after 5 untimed ones; GFLOP/s = 2 · MACs / time.
 *
 * <pre>
 *   mvn -q -o package -DskipTests
 *   OMP_WAIT_POLICY=PASSIVE java -cp "target/lib/*" bench/Roofline.java [THREADS]     (default 2)
 * </pre>
 */
public final class Roofline {
    private static final int WARMUP = 5;
    private static final int TIMED = 15;

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        NDManager.newBaseManager().close();
        JniUtils.setNumThreads(threads);
        System.out.println("threads=" + threads);
        // batch, in, size, out, kernel, stride, padding
        int[][] convs = {
            {16, 6, 64, 64, 7, 2, 3},
            {16, 64, 16, 64, 3, 1, 1},
            {16, 128, 8, 128, 3, 1, 1},
            {16, 256, 4, 256, 3, 1, 1},
            {16, 512, 2, 512, 3, 1, 1},
        };
        try (NDManager root = NDManager.newBaseManager()) {
            for (int[] c : convs) {
                try (NDManager m = root.newSubManager()) {
                    NDArray x = m.randomNormal(new Shape(c[0], c[1], c[2], c[2]));
                    NDArray w = m.randomNormal(new Shape(c[3], c[1], c[4], c[4]));
                    Shape stride = new Shape(c[5], c[5]);
                    Shape padding = new Shape(c[6], c[6]);
                    long outSize = (c[2] + 2L * c[6] - c[4]) / c[5] + 1;
                    double macs = (double) c[0] * c[3] * outSize * outSize * c[1] * c[4] * c[4];
                    double ms = medianMs(m, () -> Conv2d.conv2d(x, w, null, stride, padding, new Shape(1, 1), 1)
                            .singletonOrThrow());
                    report("conv " + Arrays.toString(c) + " (B, I, size, O, k, s, p)", macs, ms);
                }
            }
            int[][] products = {{1024, 1024, 1024}, {1024, 4608, 512}, {256, 2304, 256}};
            for (int[] p : products) {
                try (NDManager m = root.newSubManager()) {
                    NDArray a = m.randomNormal(new Shape(p[0], p[1]));
                    NDArray b = m.randomNormal(new Shape(p[1], p[2]));
                    double ms = medianMs(m, () -> a.matMul(b));
                    report("matmul " + Arrays.toString(p) + " (M, K, N)", (double) p[0] * p[1] * p[2], ms);
                }
            }
        }
    }

    private static double medianMs(NDManager m, java.util.function.Supplier<NDArray> op) {
        double[] times = new double[TIMED];
        for (int i = 0; i < WARMUP + TIMED; i++) {
            try (NDManager call = m.newSubManager()) {
                long start = System.nanoTime();
                NDArray out = op.get();
                out.attach(call);
                long end = System.nanoTime();
                if (i >= WARMUP) {
                    times[i - WARMUP] = (end - start) / 1e6;
                }
            }
        }
        Arrays.sort(times);
        return times[TIMED / 2];
    }

    private static void report(String what, double macs, double ms) {
        System.out.printf("%-58s %8.3f ms %7.1f GFLOP/s%n", what, ms, 2 * macs / ms / 1e6);
    }
}
