package org.swarmosgi.registry.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The registry's one thread: runs the tasks given to it (membership events, messages, host answers,
 * API calls) one at a time, then flushes the batched operations, and ticks the core every
 * {@value #TICK_MS} ms. A task that throws is counted and logged; the loop carries on.
 */
final class RegistryLoop implements Executor, AutoCloseable {
    static final long TICK_MS = 10;
    private static final System.Logger LOG = System.getLogger(RegistryLoop.class.getName());
    private static final int BATCH = 4096;

    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final LongAdder errors = new LongAdder();
    private volatile RegistryCore core;
    private volatile boolean closed;

    RegistryLoop(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    void start(RegistryCore core) {
        this.core = core;
        thread.start();
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("the registry is stopped");
        }
        inbox.add(task);
    }

    boolean onLoop() {
        return Thread.currentThread() == thread;
    }

    long errors() {
        return errors.sum();
    }

    private void run() {
        long nextTick = System.nanoTime();
        while (!closed) {
            try {
                final long wait = Math.max(0, nextTick - System.nanoTime());
                Runnable task = inbox.poll(wait, TimeUnit.NANOSECONDS);
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
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | LinkageError e) {
            errors.increment();
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
