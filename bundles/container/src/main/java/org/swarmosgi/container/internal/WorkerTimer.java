package org.swarmosgi.container.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.swarmosgi.api.Timer;
import org.swarmosgi.api.host.Envelope;

/**
 * A message a worker sent itself for later ({@code WorkerContext.schedule}). When due it is queued in
 * the worker's mailbox as a local cast (it is its own envelope), behind the messages already there and
 * whatever the capacity. It is cancelled when the worker stops or moves; one that fired but was not
 * handled yet when the worker moves is dropped, not handed on: the new instance sets its own timers.
 */
final class WorkerTimer extends AtomicInteger implements Timer, Envelope, Runnable {
    private static final long serialVersionUID = 1L;
    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;

    private final transient WorkerCell<?, ?> cell;
    private final transient Object message;
    private transient volatile ScheduledFuture<?> future;

    WorkerTimer(WorkerCell<?, ?> cell, Object message) {
        super(PENDING);
        this.cell = cell;
        this.message = message;
    }

    void scheduled(ScheduledFuture<?> f) {
        future = f;
        if (get() == CANCELLED) {
            f.cancel(false);
        }
    }

    /** Due: queue the message (on the timer thread). */
    @Override
    public void run() {
        if (compareAndSet(PENDING, FIRED)) {
            cell.timerFired(this);
        }
    }

    @Override
    public boolean cancel() {
        if (!compareAndSet(PENDING, CANCELLED)) {
            return false;
        }
        final ScheduledFuture<?> f = future;
        if (f != null) {
            f.cancel(false);
        }
        cell.timerCancelled(this);
        return true;
    }

    /** Cancels it for the worker's stop or move (the worker forgets it itself). */
    void cancelQuietly() {
        if (compareAndSet(PENDING, CANCELLED)) {
            final ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    @Override
    public Object local() {
        return message;
    }

    @Override
    public byte[] payload() {
        return null;
    }

    @Override
    public boolean isCall() {
        return false;
    }

    @Override
    public void replyLocal(Object reply) {
    }

    @Override
    public void reply(byte[] reply) {
    }

    @Override
    public void fail(RuntimeException error) {
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "timer(" + message + ")";
    }
}
