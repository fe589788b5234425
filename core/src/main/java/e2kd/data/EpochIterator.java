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
 * rethrown by the {@link #next()} that would have returned it. {@link #close()} stops and joins
 * the thread; it is also called after the last batch.
 */
public final class EpochIterator implements Iterator<Batch>, AutoCloseable {
    private final DataLoader loader;
    private final int epoch;
    private final NDManager manager;
    private final int[] order;
    private final int total;
    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private int delivered;
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

    @Override
    public boolean hasNext() {
        return !closed && delivered < total;
    }

    /**
     * @throws E2kdDataException or another RuntimeException raised while building the batch
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches");
        }
        PreparedBatch prepared;
        try {
            prepared = producer == null ? loader.prepare(epoch, delivered, order) : take();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        delivered++;
        if (delivered == total) {
            close();
        }
        return Batch.create(manager, prepared);
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

    private PreparedBatch take() {
        Object item;
        try {
            item = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new E2kdDataException("interrupted while waiting for batch " + delivered + " of epoch " + epoch);
        }
        if (item instanceof Failure failure) {
            Throwable cause = failure.cause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new E2kdDataException("prefetch thread failed: " + cause, cause);
        }
        return (PreparedBatch) item;
    }

    private void produce() {
        try {
            for (int b = 0; b < total && !Thread.currentThread().isInterrupted(); b++) {
                Object item;
                try {
                    item = loader.prepare(epoch, b, order);
                } catch (Throwable t) {
                    queue.put(new Failure(t));
                    return;
                }
                queue.put(item);
            }
        } catch (InterruptedException e) {
            // close() asked us to stop
        }
    }
}
