package org.swarmosgi.container.internal;

/**
 * The container settings, checked once; a refusal names the configuration key at fault.
 *
 * @param poolThreads     threads of the shared worker pool
 * @param mailboxCapacity the capacity of a mailbox whose type sets none
 * @param maxBatch        messages and tasks a worker runs per turn before yielding its thread
 */
public record ContainerSettings(int poolThreads, int mailboxCapacity, int maxBatch) {

    static final String PID = "org.swarmosgi.container";
    static final int DEFAULT_POOL_THREADS = 2;
    static final int DEFAULT_MAILBOX_CAPACITY = 10_000;
    static final int DEFAULT_MAX_BATCH = 64;
    static final int MAX_MAILBOX_CAPACITY = 1 << 24;

    /** Two threads, 10,000 messages a mailbox, 64 per turn. */
    public static final ContainerSettings DEFAULTS =
        new ContainerSettings(DEFAULT_POOL_THREADS, DEFAULT_MAILBOX_CAPACITY, DEFAULT_MAX_BATCH);

    public ContainerSettings {
        require(poolThreads >= 1 && poolThreads <= 64, "pool.threads", "must be 1..64, was " + poolThreads);
        require(mailboxCapacity >= 1 && mailboxCapacity <= MAX_MAILBOX_CAPACITY, "mailbox.capacity",
            "must be 1.." + MAX_MAILBOX_CAPACITY + ", was " + mailboxCapacity);
        require(maxBatch >= 1 && maxBatch <= 65_536, "max.batch", "must be 1..65536, was " + maxBatch);
    }

    static ContainerSettings from(ContainerConfig config) {
        return new ContainerSettings(config.pool_threads(), config.mailbox_capacity(), config.max_batch());
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new ConfigException(key, problem);
        }
    }

    /** A setting of PID {@code org.swarmosgi.container} is invalid; the message names the key. */
    static final class ConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ConfigException(String key, String problem) {
            super(PID + ": " + key + " " + problem);
        }
    }
}
