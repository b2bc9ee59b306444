package org.swarmosgi.registry.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the registry's state machine counts. Written by the registry's one thread only (the core runs on
 * it, in a node and in the simulation alike): a plain read and a release store per count, no lock
 * prefix, no allocation; read by any thread with a volatile (acquire) read.
 */
final class RegistryStats {

    enum Figure {
        /** register and whereisOrRegister calls made on this node. */
        REGISTER_REQUESTS,
        /** Lookups (by name, also for send and call) the local replica could not answer: the owner was asked. */
        LOOKUPS_ASKING_OWNER,
        /** Workers started on this node for a name (registered, moved here or restarted). */
        WORKERS_STARTED,
        /** Workers of this node restarted after they crashed or ended, or restarts asked for a dead node's worker. */
        RESTARTS,
        /** Handoffs begun: a worker of this node asked to move to the name's new owner. */
        HANDOFFS,
        /** Duplicates of a name (after a partition healed) told to give way to the winner. */
        CONFLICTS,
        /** Checkpoints of this node's workers sent to their successors. */
        CHECKPOINTS_SENT
    }

    private final AtomicLongArray counts = new AtomicLongArray(Figure.values().length);

    /** The registry's thread only. */
    void count(Figure figure) {
        final int i = figure.ordinal();
        counts.lazySet(i, counts.get(i) + 1);
    }

    long get(Figure figure) {
        return counts.get(figure.ordinal());
    }
}
