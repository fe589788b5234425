package e2kd.nn.ops;

import ai.djl.ndarray.NDArray;
import java.util.function.Supplier;

/**
 * libtorch has one random generator per process. A seeded sequence of draws (a run's new student and its criteria,
 * in {@code train.Trainer}) holds {@link #LOCK} from seeding to its last draw, and every single draw takes it
 * ({@link #draw}), so no other thread's draw (another run's teacher being built, in a Spark task beside it) lands
 * inside the sequence: runs training at once in one process draw exactly what each draws alone.
 */
public final class RandomDraws {
    /** Held across a seeded sequence of draws; taken by each {@link #draw}. */
    public static final Object LOCK = new Object();

    private RandomDraws() {}

    /** {@code draw} (an array from libtorch's generator) under {@link #LOCK}. */
    public static NDArray draw(Supplier<NDArray> draw) {
        synchronized (LOCK) {
            return draw.get();
        }
    }
}
