package e2kd.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A loader's image-decoding threads: daemon threads that end after a few idle seconds, so a loader needs no
 * closing. {@link #run} spreads sample indices 0..n−1 over them and returns when all are done.
 */
final class SampleWorkers {
    private final ThreadPoolExecutor pool;

    SampleWorkers(int threads) {
        pool = new ThreadPoolExecutor(threads, threads, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "e2kd-decode");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Calls {@code task} for 0..n−1 on the workers; rethrows the first failure (an unchecked exception as it is). */
    void run(int n, IntConsumer task) {
        List<Future<?>> done = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            int index = k;
            done.add(pool.submit(() -> task.accept(index)));
        }
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding a batch", e);
            }
        }
    }
}
