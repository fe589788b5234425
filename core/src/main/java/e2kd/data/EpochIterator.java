package e2kd.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The batches of one epoch. With prefetch {@code p > 0}, a daemon thread named {@code
 * e2kd-prefetch-*} builds float arrays up to {@code p} batches ahead into a bounded queue, so
 * decoding overlaps compute; NDArrays are created in {@link #next()} on the consuming thread
 * (NDManager is not thread-safe). A failure while building a batch (e.g. a corrupt image) is
 * rethrown by the {@link #next()} that would have returned it. A batch left empty by skipped
 * unreadable images is passed over, so {@link #hasNext()} looks one batch ahead. {@link #close()}
 * stops and joins the thread; it is also called once {@link #hasNext()} finds no more batches.
 */
public final class EpochIterator implements Iterator<Batch>, AutoCloseable {
    /** Queue item after the last batch. */
    private static final Object END = new Object();

    private final DataLoader loader;
    private final int epoch;
    private final NDManager manager;
    private final int[] order;
    private final int total;
    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private int built;
    private Object ahead;
    private boolean closed;

    /** Wraps a producer failure so it can travel through the queue. */
    private record Failure(Throwable cause) {}

    EpochIterator(DataLoader loader, int epoch, NDManager manager, int prefetch) {
        this.loader = loader;
        this.epoch = epoch;
        this.manager = manager;
        this.order = loader.order(epoch);
        this.total = loader.batchesPerEpoch();
        if (prefetch > 0) {
            queue = new ArrayBlockingQueue<>(prefetch);
            producer = new Thread(this::produce, "e2kd-prefetch-epoch-" + epoch);
            producer.setDaemon(true);
            producer.start();
        } else {
            queue = null;
            producer = null;
        }
    }

    /** Whether a batch (or the failure that replaces it) is next; builds or waits for it. */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (ahead == null) {
            ahead = producer == null ? build() : take();
        }
        if (ahead == END) {
            close();
            return false;
        }
        return true;
    }

    /**
     * @throws E2kdDataException or another RuntimeException raised while building the batch
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        }
        Object item = ahead;
        ahead = null;
        if (item instanceof Failure failure) {
            close();
            Throwable cause = failure.cause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new E2kdDataException("prefetch thread failed: " + cause, cause);
        }
        return Batch.create(manager, (PreparedBatch) item);
    }

    /** Stops the prefetch thread and waits for it to end; idempotent. */
    @Override
    public void close() {
        closed = true;
        if (producer == null) {
            return;
        }
        producer.interrupt();
        queue.clear();
        boolean interrupted = false;
        while (producer.isAlive()) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Without prefetch: the next non-empty batch, its failure, or {@link #END}. */
    private Object build() {
        try {
            while (built < total) {
                PreparedBatch batch = loader.prepare(epoch, built++, order);
                if (batch != null) {
                    return batch;
                }
            }
            return END;
        } catch (RuntimeException | Error e) {
            return new Failure(e);
        }
    }

    private Object take() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure(new E2kdDataException("interrupted while waiting for a batch of epoch " + epoch));
        }
    }

    private void produce() {
        try {
            for (int b = 0; b < total && !Thread.currentThread().isInterrupted(); b++) {
                PreparedBatch batch;
                try {
                    batch = loader.prepare(epoch, b, order);
                } catch (Throwable t) {
                    queue.put(new Failure(t));
                    return;
                }
                if (batch != null) {
                    queue.put(batch);
                }
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // close() asked us to stop
        }
    }
}
