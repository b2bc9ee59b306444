package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared threads that run workers. Runnable workers wait in one FIFO run queue, linked through
 * the workers themselves ({@link Task#nextTask}), so making a worker runnable allocates nothing. A
 * worker is in the queue at most once (its own flag guards that); after a batch it goes to the back,
 * behind every other runnable worker: round robin, so a long mailbox never starves the others.
 *
 * <p>A submit wakes a parked thread only when the threads about to take a task cannot take every
 * queued one: a thread running a {@link Task#brief brief} task (the {@link DeliveryLane}) takes the
 * worker it just made runnable itself, without waking a second thread for it. Idle threads park at
 * once: spinning and yielding before parking was measured, and lost (see the container README).
 */
final class WorkerPool {
    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

    /** Something the pool runs; one instance is queued at most once at a time. */
    abstract static class Task {
        /** The next task in the run queue; guarded by the pool's lock. */
        Task nextTask;

        abstract void runTask();

        /** True for a task that never blocks nor runs user code, and ends within microseconds. */
        boolean brief() {
            return false;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final Thread[] threads;
    private Task head;
    private Task tail;
    /** Tasks in the run queue; guarded by the lock. */
    private int size;
    /**
     * Threads running a {@link Task#brief brief} task such as the {@link DeliveryLane}: each takes a
     * task within microseconds without a wake-up (the lane only queues messages, and the worker it just
     * made runnable is usually its next task: waking another thread for it would cost a core's time
     * for nothing).
     */
    private final AtomicInteger takers = new AtomicInteger();
    private boolean closed;

    WorkerPool(int size, String namePrefix) {
        threads = new Thread[size];
        for (int i = 0; i < size; i++) {
            final Thread t = new Thread(this::loop, namePrefix + (i + 1));
            t.setDaemon(true);
            threads[i] = t;
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Queues a task at the back of the run queue; dropped after {@link #close}. */
    void submit(Task task) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            task.nextTask = null;
            if (tail == null) {
                head = task;
            } else {
                tail.nextTask = task;
            }
            tail = task;
            wakeIfNeeded();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a task at the front of the run queue: the next one a thread takes. Dropped after {@link #close}. */
    void submitFirst(Task task) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            task.nextTask = head;
            if (tail == null) {
                tail = task;
            }
            head = task;
            wakeIfNeeded();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock, a task just queued. A brief task's thread decrements {@link #takers} when the
     * task ends, before it takes the lock to take the next task or park: if this read still counts it,
     * it will see the task.
     */
    private void wakeIfNeeded() {
        if (++size > takers.get()) {
            nonEmpty.signal();
        }
    }

    private Task take() throws InterruptedException {
        lock.lock();
        try {
            while (head == null) {
                if (closed) {
                    return null;
                }
                nonEmpty.await();
            }
            final Task task = head;
            head = task.nextTask;
            if (head == null) {
                tail = null;
            }
            size--;
            task.nextTask = null;
            return task;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        try {
            for (Task task = take(); task != null; task = take()) {
                final boolean brief = task.brief();
                if (brief) {
                    takers.incrementAndGet();
                }
                try {
                    task.runTask();
                } catch (Throwable t) {
                    // Workers catch their own errors; this is a bug of ours, never a reason to lose a thread.
                    LOG.log(Level.ERROR, "worker pool task failed", t);
                } finally {
                    if (brief) {
                        takers.decrementAndGet();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking tasks; waits up to {@code timeoutMillis} for the running ones, then interrupts. */
    void close(long timeoutMillis) {
        lock.lock();
        try {
            closed = true;
            head = null;
            tail = null;
            size = 0;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            try {
                final long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                }
                if (t.isAlive()) {
                    LOG.log(Level.WARNING, t.getName() + " still runs a worker after " + timeoutMillis
                        + " ms: interrupted");
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
