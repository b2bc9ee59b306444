package org.swarmosgi.transport.aeron.internal;

import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.IdleStrategy;

/**
 * The duty-cycle thread's idle strategy: Agrona's backoff (a few spins and yields, then parks doubling
 * up to a maximum) or a plain sleep, plus a wake-up. With the driver in INVOKER mode, a frame a sender
 * thread puts in a publication leaves only when the duty cycle next runs the driver; {@link #wake}
 * unparks a parked duty cycle, so sends go out at once instead of after the current park. No wake is
 * lost: the sender writes {@code pending} then reads {@code parked}, the duty cycle writes
 * {@code parked} then reads {@code pending} (both volatile), so at least one of them sees the other.
 * Costs a sender one volatile write and read.
 */
final class DutyCycleIdle implements IdleStrategy {
    private static final int MAX_SPINS = 10;
    private static final int MAX_YIELDS = 20;
    private static final long MIN_PARK_NS = 1_000;
    /** After a request goes out or is handed to a handler, parks stay this short for a while. */
    private static final long REPLY_PARK_NS = 5_000;
    private static final long REPLY_WINDOW_NS = 1_000_000;

    private final boolean backoff;
    private final long maxParkNs;
    private volatile Thread parked;
    private volatile boolean pending;
    private volatile long replyExpectedUntil;
    private int spins;
    private int yields;
    private long parkNs;

    DutyCycleIdle(IdleKind kind, long maxParkNs) {
        this.backoff = kind == IdleKind.BACKOFF;
        this.maxParkNs = maxParkNs;
        reset();
    }

    /** Any thread: ends the duty cycle's current park, if it is parked. */
    void wake() {
        pending = true;
        final Thread t = parked;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Any thread: a reply is expected soon (a request went out, or one was handed to a handler). With
     * the driver in INVOKER mode nothing wakes a parked duty cycle when a datagram arrives, and parks
     * double up to the maximum: without this, a reply arriving 30 us after its request would wait
     * out a park of similar length. For the next millisecond parks stay at a few microseconds;
     * replies slower than that do not need microsecond pick-up, and an idle node parks as before.
     */
    void expectReply() {
        replyExpectedUntil = System.nanoTime() + REPLY_WINDOW_NS;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (backoff && spins < MAX_SPINS) {
            spins++;
            Thread.onSpinWait();
        } else if (backoff && yields < MAX_YIELDS) {
            yields++;
            Thread.yield();
        } else {
            parked = Thread.currentThread();
            if (pending) {
                pending = false; // a send came in: run the duty cycle again instead of parking
            } else {
                final boolean replyDue = backoff && System.nanoTime() - replyExpectedUntil < 0;
                LockSupport.parkNanos(replyDue ? Math.min(parkNs, REPLY_PARK_NS) : parkNs);
                pending = false;
                parkNs = Math.min(parkNs << 1, maxParkNs);
            }
            parked = null;
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parkNs = backoff ? Math.min(MIN_PARK_NS, maxParkNs) : maxParkNs;
    }

    @Override
    public String alias() {
        return backoff ? "backoff-wakeable" : "sleeping-wakeable";
    }
}
