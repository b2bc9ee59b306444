package org.swarmosgi.api;

import java.util.List;
import java.util.Objects;

/**
 * The moves of one node's workers to their placements, as {@link SwarmRegistry#rebalance()} found
 * them after its pass: those under way and those waiting their turn.
 *
 * @param moving the moves under way, by name
 * @param queued how many more workers of the node wait their turn to move (the registry moves a
 *               bounded number at once)
 * @since 1.2
 */
public record Rebalance(List<Move> moving, int queued) {

    public Rebalance {
        moving = List.copyOf(moving);
        if (queued < 0) {
            throw new IllegalArgumentException("queued must not be negative, was " + queued);
        }
    }

    /**
     * One worker moving.
     *
     * @param name      the name it is registered under
     * @param worker    the instance that moves (on this node)
     * @param to        the node it moves to
     * @param handedOff true once the worker has answered {@link Worker#beginHandoff()} and its new
     *                  node is asked to start it; false while the registry waits for that answer
     */
    public record Move(String name, WorkerRef worker, NodeId to, boolean handedOff) {
        public Move {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(to, "to");
        }
    }
}
