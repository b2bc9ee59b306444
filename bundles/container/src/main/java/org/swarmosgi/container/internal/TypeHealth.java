package org.swarmosgi.container.internal;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * One worker type's counts and its last problem on this node, for {@code swarm:workers}. Written by
 * pool threads (adders; the last problem is a single volatile pair, the latest writer wins).
 */
final class TypeHealth {
    final LongAdder started = new LongAdder();
    final LongAdder crashed = new LongAdder();
    final LongAdder failedMessages = new LongAdder();
    final LongAdder handoffTimeouts = new LongAdder();
    private volatile Problem last;

    record Problem(String text, Instant at) {
    }

    /** A problem of the type; {@code crash} counts it as a crashed worker too. */
    void problem(boolean crash, String text) {
        if (crash) {
            crashed.increment();
        }
        last = new Problem(text, Instant.now());
    }

    void handoffTimedOut(String text) {
        handoffTimeouts.increment();
        last = new Problem(text, Instant.now());
    }

    Problem last() {
        return last;
    }
}
