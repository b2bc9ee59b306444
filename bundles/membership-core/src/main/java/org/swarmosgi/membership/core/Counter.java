package org.swarmosgi.membership.core;

/** What the engine counts; read with {@link MembershipEngine#count(Counter)}. */
public enum Counter {
    /** Heartbeats sent (one per datagram). */
    SENT,
    /** Datagrams the socket could not take (buffer full, unreachable): the heartbeat is skipped. */
    SEND_FAILED,
    /** Datagrams received, before any check. */
    RECEIVED,
    /** Heartbeats that passed every check and were applied (our own echo included). */
    ACCEPTED,
    /** Truncated, oversized or garbled datagrams, unknown flags, bad magic. */
    REFUSED_MALFORMED,
    /** A protocol version this engine does not speak. */
    REFUSED_VERSION,
    /** Another cluster's heartbeat. */
    REFUSED_FOREIGN_CLUSTER,
    /** A MAC that does not match: forged, corrupted, or a different cluster secret. */
    REFUSED_BAD_MAC,
    /** A sequence number not above the last one seen for that incarnation: replayed or reordered. */
    REFUSED_REPLAY,
    /** An incarnation older than the newest one seen of that name: a replay of a past run. */
    REFUSED_STALE_INCARNATION,
    /** An incarnation whose start time is more than an hour ahead of this node's clock. */
    REFUSED_FUTURE_INCARNATION,
    /** A stranger the strategy's admission filter turned away. */
    REFUSED_NOT_ADMITTED,
    /** A heartbeat under this node's own name but another incarnation (a name clash or a stale self). */
    REFUSED_OWN_NAME,
    /** An unexpected error in the engine's loop, which carries on (logged at most once per interval). */
    LOOP_ERROR,
    /** A membership listener threw on an up or down (logged too); counted on the notifier's thread. */
    LISTENER_ERROR,
    /** Turns of the engine's loop (it turns at least every 50 ms): liveness reads it. */
    LOOPS,
    /** Members reported up. */
    UP,
    /** Members reported down because they left ({@link org.swarmosgi.api.membership.DownReason#LEFT}). */
    DOWN_LEFT,
    /** Members reported down by the failure detector ({@code FAILED}). */
    DOWN_FAILED,
    /** Members reported down because a newer incarnation came ({@code REPLACED}). */
    DOWN_REPLACED,
    /** Members reported down because the strategy no longer lists them ({@code EVICTED}). */
    DOWN_EVICTED;

    /** The counter of a down for {@code reason}. */
    static Counter down(org.swarmosgi.api.membership.DownReason reason) {
        return switch (reason) {
            case LEFT -> DOWN_LEFT;
            case FAILED -> DOWN_FAILED;
            case REPLACED -> DOWN_REPLACED;
            case EVICTED -> DOWN_EVICTED;
        };
    }
}
