package org.swarmosgi.container.internal;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.swarmosgi.api.metrics.Metric;

/**
 * The host's counters. LongAdders: many pool threads and senders add (each thread mostly its own
 * striped cell: nothing lost, no shared cache line, no allocation once the cells exist), a reader sums
 * now and then.
 */
final class HostStats {
    final LongAdder handled = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder mailboxFull = new LongAdder();
    final LongAdder handoffs = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder crashes = new LongAdder();
    /** Host event handlers and delivery tasks that threw (bugs of ours, each also logged; the host carries on). */
    final LongAdder errors = new LongAdder();

    /** The figures for {@code org.swarmosgi.api.metrics} readers (shell, JMX, Prometheus). */
    List<Metric> metrics(int workers) {
        return List.of(
            Metric.gauge("swarm_container_workers", "Workers running on this node now", workers),
            Metric.counter("swarm_container_messages_handled_total", "Messages workers handled without a throw", handled.sum()),
            Metric.counter("swarm_container_messages_failed_total",
                "Messages that failed: undecodable, the handler threw, or the wrong local type", failed.sum()),
            Metric.counter("swarm_container_mailbox_full_total", "Deliveries refused because the mailbox was full",
                mailboxFull.sum()),
            Metric.counter("swarm_container_handoffs_total", "Handoffs decided by workers of this node (timeouts included)",
                handoffs.sum()),
            Metric.counter("swarm_container_handoff_timeouts_total", "Handoffs that timed out", timeouts.sum()),
            Metric.counter("swarm_container_crashes_total",
                "Workers that crashed (an error, or a throw from onStart, the factory or stop)", crashes.sum()),
            Metric.counter("swarm_container_errors_total",
                "Host event handlers and delivery tasks that threw (each also logged; the host carries on)", errors.sum()));
    }

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
