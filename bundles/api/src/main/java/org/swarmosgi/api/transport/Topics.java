package org.swarmosgi.api.transport;

/**
 * Ranges of {@link Transport} topics, one per owner, so bundles never collide. Owners number
 * their topics inside their range.
 */
public final class Topics {
    private Topics() {
    }

    /** 0-99: the transport's own control messages (handshake, chunks, replies). Never handled by others. */
    public static final int TRANSPORT_BASE = 0;
    /** 100-199: membership strategies. */
    public static final int MEMBERSHIP_BASE = 100;
    /** 200-299: the registry (records, sync, routing). */
    public static final int REGISTRY_BASE = 200;
    /** 300-399: the worker container (deployment, handoff state, checkpoints). */
    public static final int CONTAINER_BASE = 300;
    /** 400-499: the shell's diagnostics ({@code swarm:ping}). */
    public static final int SHELL_BASE = 400;
    /** 500-599: cluster-wide deployment of worker bundles (catalog, status, bundle bytes). */
    public static final int DEPLOYMENT_BASE = 500;
    /** 600-699: cluster-wide configuration (the catalog of shared configurations and its digest). */
    public static final int CLUSTER_CONFIG_BASE = 600;
    /** 1000 and up: free for applications. */
    public static final int APPLICATION_BASE = 1000;
}
