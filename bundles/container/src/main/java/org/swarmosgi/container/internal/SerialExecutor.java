package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs tasks one at a time, in the order given, on another executor: the host's events to its driver
 * and the completions of its orders, so the driver hears of one worker's start before its end.
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

    private final Executor target;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean active = new AtomicBoolean();
    private final Runnable drain = this::drain;

    private final LongAdder errors;

    /** @param errors counts handlers that threw (each also logged) */
    SerialExecutor(Executor target, LongAdder errors) {
        this.target = target;
        this.errors = errors;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
        if (active.compareAndSet(false, true)) {
            try {
                target.execute(drain);
            } catch (RejectedExecutionException e) {
                tasks.clear(); // closed: events are dropped
            }
        }
    }

    private void drain() {
        for (;;) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (Throwable t) {
                    errors.increment();
                    LOG.log(Level.ERROR, "host event handler failed", t);
                }
            }
            active.set(false);
            if (tasks.isEmpty() || !active.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
