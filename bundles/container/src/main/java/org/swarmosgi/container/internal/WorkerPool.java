package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared threads that run workers. Runnable workers wait in one FIFO run queue, linked through
 * the workers themselves ({@link Task#nextTask}), so making a worker runnable allocates nothing. A
 * worker is in the queue at most once (its own flag guards that); after a batch it goes to the back,
 * behind every other runnable worker: round robin, so a long mailbox never starves the others.
 */
final class WorkerPool {
    private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());

    /** Something the pool runs; one instance is queued at most once at a time. */
    abstract static class Task {
        /** The next task in the run queue; guarded by the pool's lock. */
        Task nextTask;

        abstract void runTask();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final Thread[] threads;
    private Task head;
    private Task tail;
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
            nonEmpty.signal();
        } finally {
            lock.unlock();
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
            task.nextTask = null;
            return task;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        try {
            for (Task task = take(); task != null; task = take()) {
                try {
                    task.runTask();
                } catch (Throwable t) {
                    // Workers catch their own errors; this is a bug of ours, never a reason to lose a thread.
                    LOG.log(Level.ERROR, "worker pool task failed", t);
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
