package org.swarmosgi.api;

import java.util.List;

/**
 * What {@link SwarmRegistry#multicall} collected: the replies that came back in time, and how many
 * members failed or timed out (those are filtered out of {@link #replies()}, as in Swarm).
 *
 * @param replies  the replies received, one per member that answered; unordered
 * @param failures members whose handler failed, or whose node was unreachable
 * @param timeouts members that did not answer within the timeout
 * @param <R>      the reply type
 */
public record MulticallResult<R>(List<R> replies, int failures, int timeouts) {
    public MulticallResult {
        replies = List.copyOf(replies);
        if (failures < 0 || timeouts < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }
}
