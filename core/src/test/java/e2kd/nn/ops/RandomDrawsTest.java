package e2kd.nn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import e2kd.nn.layers.Conv2d;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A seeded sequence of draws held under {@link RandomDraws#LOCK} gives the same numbers while another thread builds
 * layers (whose weight draws take the lock), as two Spark tasks in one process do: one seeding its student while the
 * other builds its teacher.
 */
class RandomDrawsTest {
    @Test
    void aSeededSequenceIsNotInterleavedByAnotherThreadsLayers() throws InterruptedException {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] alone = seededSequence(m);
            AtomicBoolean stop = new AtomicBoolean();
            Thread builder = new Thread(() -> {
                try (NDManager b = NDManager.newBaseManager()) {
                    while (!stop.get()) {
                        try (NDManager layer = b.newSubManager()) {
                            new Conv2d(layer, 2, 2, 1, 1, 0);
                        }
                    }
                }
            });
            builder.start();
            try {
                for (int i = 0; i < 20; i++) {
                    assertArrayEquals(alone, seededSequence(m), "sequence " + i + " with layers built beside it");
                }
            } finally {
                stop.set(true);
                builder.join();
            }
        }
    }

    private static float[] seededSequence(NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            NDList draws = new NDList();
            synchronized (RandomDraws.LOCK) {
                Engine.getInstance().setRandomSeed(7);
                for (int i = 0; i < 200; i++) {
                    draws.add(RandomDraws.draw(() -> scope.randomUniform(0f, 1f, new Shape(4), DataType.FLOAT32)));
                    Thread.yield();
                }
            }
            NDArray all = NDArrays.concat(draws);
            return all.toFloatArray();
        }
    }
}
