package org.swarmosgi.transport.aeron.internal;

import org.agrona.DeadlineTimerWheel;
import org.swarmosgi.api.Member;

/** A request waiting for its reply. */
final class PendingCall {
    final long correlationId;
    final Member peer;
    final CallFuture future;
    final long deadlineNs;
    final long timeoutMs;
    // Receive thread only.
    long timerId = DeadlineTimerWheel.NULL_DEADLINE;

    PendingCall(long correlationId, Member peer, CallFuture future, long deadlineNs, long timeoutMs) {
        this.correlationId = correlationId;
        this.peer = peer;
        this.future = future;
        this.deadlineNs = deadlineNs;
        this.timeoutMs = timeoutMs;
    }
}
