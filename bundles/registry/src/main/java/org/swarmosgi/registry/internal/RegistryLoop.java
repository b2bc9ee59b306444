package org.swarmosgi.registry.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The registry's one thread: runs the tasks given to it (membership events, messages, host answers,
 * API calls) one at a time, then flushes the batched operations, and ticks the core every
 * {@value #TICK_MS} ms. A task that throws is counted and logged; the loop carries on.
 *
 * <p>The inbox is a lock-free queue; a producer wakes the thread only when it is parked (or about to
 * park), so a busy registry takes tasks without a lock or a wake-up per task. After every batch of
 * tasks the loop runs the core's flush and then {@code afterBatch} (the component's outbox).
 */
final class RegistryLoop implements Executor, AutoCloseable {
    static final long TICK_MS = 10;
    private static final System.Logger LOG = System.getLogger(RegistryLoop.class.getName());
    private static final int BATCH = 4096;

    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** True while the thread parks or is about to: producers then unpark it. */
    private volatile boolean idle;
    private Runnable afterBatch = () -> { };
    private final Thread thread;
    /** [0] turns, [1] errors: this thread writes (release store), anyone reads (acquire). */
    private final AtomicLongArray counts = new AtomicLongArray(2);
    private volatile RegistryCore core;
    private volatile boolean closed;

    RegistryLoop(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    void start(RegistryCore core) {
        start(core, () -> { });
    }

    /** Starts the thread; {@code afterBatch} runs on it after every batch of tasks and after every tick. */
    void start(RegistryCore core, Runnable afterBatch) {
        this.core = core;
        this.afterBatch = afterBatch;
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the registry is stopped");
        }
        inbox.add(task);
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    long errors() {
        return counts.get(1);
    }

    /** Turns of the loop (at least one per tick): liveness reads it. */
    long turns() {
        return counts.get(0);
    }

    private void count(int i) {
        counts.lazySet(i, counts.get(i) + 1);
    }

    private void run() {
        long nextTick = System.nanoTime();
        while (!closed) {
            count(0);
            Runnable task = inbox.poll();
            if (task == null) {
                final long wait = nextTick - System.nanoTime();
                if (wait > 0) {
                    idle = true;
                    task = inbox.poll(); // a task added before the flag was seen
                    if (task == null) {
                        LockSupport.parkNanos(this, wait);
                    }
                    idle = false;
                    if (Thread.interrupted() && closed) {
                        return;
                    }
                }
            }
            int n = 0;
            while (task != null) {
                runSafely(task);
                task = ++n < BATCH ? inbox.poll() : null;
            }
            if (System.nanoTime() >= nextTick) {
                nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
                runSafely(core::tick);
            }
            runSafely(core::flush);
            runSafely(afterBatch);
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | LinkageError e) {
            count(1);
            LOG.log(System.Logger.Level.ERROR, thread.getName() + ": a registry task failed; the registry carries on", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
