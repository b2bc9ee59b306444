package org.swarmosgi.api.host;

import java.time.Instant;
import java.util.Objects;

/**
 * How one worker type fares on this node, for operators ({@code swarm:workers}). Counts are since
 * the host started.
 *
 * @param type            the worker type
 * @param offered         true when this node runs workers of it now; false when it was refused (bad
 *                        settings, a duplicate, roles this node lacks: see {@code lastError})
 * @param running         workers of it running here now
 * @param moving          of those, workers being handed off now
 * @param started         workers started here
 * @param crashed         workers that crashed or failed to start
 * @param failedMessages  messages whose handler threw, or that could not be decoded
 * @param handoffTimeouts handoffs the worker did not answer in time (restarted instead)
 * @param lastError       the last problem, or null
 * @param lastErrorAt     when it happened, or null
 * @since 1.1
 */
public record WorkerTypeStatus(String type, boolean offered, int running, int moving, long started, long crashed,
                               long failedMessages, long handoffTimeouts, String lastError, Instant lastErrorAt) {
    public WorkerTypeStatus {
        Objects.requireNonNull(type, "type");
    }
}
