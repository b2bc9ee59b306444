package org.swarmosgi.container.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The host's counters. LongAdders: many pool threads and senders add, a reader sums now and then.
 */
final class HostStats {
    final LongAdder handled = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder mailboxFull = new LongAdder();
    final LongAdder handoffs = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder crashes = new LongAdder();

    /** A consistent-enough copy for logs, tests and the shell. */
    Snapshot snapshot(int workers) {
        return new Snapshot(workers, handled.sum(), failed.sum(), mailboxFull.sum(), handoffs.sum(), timeouts.sum(),
            crashes.sum());
    }

    /**
     * @param workers     workers running now
     * @param handled     messages handled without a throw
     * @param failed      messages failed: undecodable, handler threw, wrong local type
     * @param mailboxFull deliveries refused because the mailbox was full
     * @param handoffs    handoffs decided (any answer, timeouts included)
     * @param timeouts    handoffs that timed out
     * @param crashes     workers that crashed (error, throw from onStart, factory or stop)
     */
    record Snapshot(int workers, long handled, long failed, long mailboxFull, long handoffs, long timeouts,
                    long crashes) {
    }
}
