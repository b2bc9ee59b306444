package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The host's {@link LocalWorkerHost#deliveries() deliveries} executor: a serial lane on the worker
 * pool. A transport hands it messages from other nodes; a pool thread checks them and queues them in
 * mailboxes, in order; the worker then runs on the next free pool thread, often this one right after:
 * one thread hand-off between the network and the worker instead of two. It enters the run queue at the front
 * when it wakes (a message is waiting for a check that takes microseconds) and goes to the back after
 * a full batch, so a flood of messages never starves the workers.
 */
final class DeliveryLane extends WorkerPool.Task implements Executor {
    private static final System.Logger LOG = System.getLogger(DeliveryLane.class.getName());
    /** Tasks per turn before the lane goes to the back of the run queue. */
    private static final int BATCH = 64;

    private final WorkerPool pool;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean closed;

    private final LongAdder errors;

    /** @param errors counts tasks that threw (each also logged) */
    DeliveryLane(WorkerPool pool, LongAdder errors) {
        this.pool = pool;
        this.errors = errors;
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the worker host is stopped");
        }
        tasks.offer(task);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            pool.submitFirst(this);
        }
    }

    @Override
    boolean brief() {
        return true;
    }

    @Override
    void runTask() {
        for (int n = BATCH; n > 0; n--) {
            final Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                errors.increment();
                LOG.log(Level.ERROR, "a delivery task failed; the lane carries on", e);
            }
        }
        scheduled.set(false);
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            pool.submit(this);
        }
    }

    /** Refuses tasks from now on; queued ones are dropped with the pool. */
    void close() {
        closed = true;
    }
}
