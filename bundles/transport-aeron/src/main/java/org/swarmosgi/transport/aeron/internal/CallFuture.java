package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The stage {@code request} returns. Its outcome is never completed on the duty-cycle thread, where
 * dependent stages would run user code: {@link #deliver} either hands the outcome to a caller blocked
 * in {@link #join}/{@link #get}, which completes the future on its own thread (one wake-up, no
 * hand-off), or, when nobody is blocked, completes it on the callback executor. The two sides meet
 * Dekker-style on two volatiles (the outcome, the blocked thread): at least one sees the other, so no
 * outcome is lost and no caller sleeps past it.
 */
final class CallFuture extends CompletableFuture<ByteBuffer> {
    private static final int SPINS = 10;
    private static final int YIELDS = 20;

    private final Executor callbacks;
    private final AtomicReference<Thread> blocked = new AtomicReference<>();
    private volatile Object outcome; // a ByteBuffer or a Failure

    private record Failure(Throwable error) {
    }

    CallFuture(Executor callbacks) {
        this.callbacks = callbacks;
    }

    /** Any thread, once per call (the pending-call map guarantees it). */
    void deliver(ByteBuffer reply, Throwable error) {
        outcome = error == null ? reply : new Failure(error);
        final Thread waiter = blocked.get();
        if (waiter != null) {
            LockSupport.unpark(waiter);
            return;
        }
        try {
            callbacks.execute(this::completeFromOutcome);
        } catch (RejectedExecutionException closing) {
            completeFromOutcome(); // the transport is closing: nothing left to protect
        }
    }

    private void completeFromOutcome() {
        final Object o = outcome;
        if (o instanceof Failure f) {
            completeExceptionally(f.error());
        } else {
            complete((ByteBuffer) o);
        }
    }

    /**
     * Waits for the outcome on this thread and completes the future with it. Returns early (to let
     * CompletableFuture wait, time out or throw) when another thread waits already, when the deadline
     * passes ({@code deadlineNs} 0: none), or when interrupted and {@code interruptible}.
     */
    private void await(long deadlineNs, boolean interruptible) {
        if (isDone() || !blocked.compareAndSet(null, Thread.currentThread())) {
            return;
        }
        boolean interrupted = false;
        int idles = 0;
        try {
            while (!isDone() && outcome == null) {
                // Like the duty cycle's backoff: replies on loopback often come within microseconds,
                // sooner than a park and wake-up would take; then park until woken.
                if (idles < SPINS + YIELDS) {
                    if (idles++ < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                    continue;
                }
                if (deadlineNs == 0) {
                    LockSupport.park(this);
                } else {
                    final long left = deadlineNs - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    LockSupport.parkNanos(this, left);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        return;
                    }
                }
            }
        } finally {
            blocked.set(null);
            // An outcome delivered while this thread was registered went to this thread only: complete it here.
            if (!isDone() && outcome != null) {
                completeFromOutcome();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public ByteBuffer join() {
        await(0, false);
        return super.join();
    }

    @Override
    public ByteBuffer get() throws InterruptedException, ExecutionException {
        await(0, true);
        return super.get();
    }

    @Override
    public ByteBuffer get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        final long start = System.nanoTime();
        final long timeoutNs = unit.toNanos(timeout);
        await(start + Math.max(1, timeoutNs), true);
        return super.get(Math.max(0, timeoutNs - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
    }
}
