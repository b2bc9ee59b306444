package org.swarmosgi.transport.aeron.internal;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;

/** What an idle duty cycle does. Neither spins for long: a 2-core machine cannot afford it. */
public enum IdleKind {
    /** A few spins and yields, then parks from 1 us doubling up to the maximum park time. */
    BACKOFF,
    /** Always parks for the maximum park time. Least CPU when idle, most latency. */
    SLEEPING;

    IdleStrategy create(long maxParkNs) {
        return switch (this) {
            case BACKOFF -> new BackoffIdleStrategy(10, 20, Math.min(TimeUnit.MICROSECONDS.toNanos(1), maxParkNs), maxParkNs);
            case SLEEPING -> new SleepingIdleStrategy(maxParkNs);
        };
    }
}
