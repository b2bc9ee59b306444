package org.swarmosgi.registry.internal;

/**
 * The registry's settings, checked once. Times are in milliseconds of the injected clock.
 *
 * @param virtualNodes       points per node on the ring
 * @param staticQuorumSize   0 = off; else a side of a partition with fewer live nodes refuses
 *                           registrations and stops its movable workers
 * @param retryDelayMs       how long a caller waits before asking again when the owner said RETRY
 * @param syncTimeoutMs      how long a sync may take before it is asked again
 * @param announceIntervalMs how often a node tells peers its sequence (anti-entropy)
 * @param claimTimeoutMs     how long an owner holds a name for a start that does not answer
 * @param conflictRetryMs    how long an owner waits before it resolves a duplicate again
 * @param syncBatchRecords   most records in one sync reply message
 * @param handoffsInFlight   most moves of this node's workers under way at once
 * @param checkpointCopies   how many successors of a worker hold its checkpoint (types with a checkpoint interval)
 */
record RegistrySettings(int virtualNodes, int staticQuorumSize, long retryDelayMs, long syncTimeoutMs,
                        long announceIntervalMs, long claimTimeoutMs, long conflictRetryMs, int syncBatchRecords,
                        int handoffsInFlight, int checkpointCopies) {

    static final RegistrySettings DEFAULTS = new RegistrySettings(2048, 0, 20, 2_000, 500, 10_000, 1_000, 20_000, 256, 2);

    RegistrySettings {
        check("virtual.nodes", virtualNodes, 1, 65_536);
        check("static.quorum.size", staticQuorumSize, 0, 10_000);
        check("retry.delay.ms", retryDelayMs, 1, 60_000);
        check("sync.timeout.ms", syncTimeoutMs, 10, 600_000);
        check("announce.interval.ms", announceIntervalMs, 10, 600_000);
        check("claim.timeout.ms", claimTimeoutMs, 10, 600_000);
        check("conflict.retry.ms", conflictRetryMs, 10, 600_000);
        check("sync.batch.records", syncBatchRecords, 1, 1_000_000);
        check("handoff.max.inflight", handoffsInFlight, 1, 1_000_000);
        check("checkpoint.copies", checkpointCopies, 1, 16);
    }

    private static void check(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
