package org.swarmosgi.deployment.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.swarmosgi.deployment}. Every key is optional. */
@ObjectClassDefinition(name = "Swarm deployment", description = "Cluster-wide deployment of worker bundles.")
public @interface DeploymentConfig {

    @AttributeDefinition(name = "deploy.dir", description = "Folder watched for bundles (*.jar) to deploy "
        + "cluster-wide; relative to the node process's working folder. Empty: no folder is watched.")
    String deploy_dir() default "deploy";

    @AttributeDefinition(name = "watch.interval.ms", description = "How often the deploy folder is scanned; a "
        + "file counts as complete when it is unchanged across two scans (100..600000).")
    long watch_interval_ms() default 1_000;

    @AttributeDefinition(name = "store.dir", description = "Folder that keeps deployed bundles' bytes and the "
        + "catalog. Empty: deployment/ in the node's work folder.")
    String store_dir() default "";

    @AttributeDefinition(name = "chunk.size", description = "Bytes asked of a peer per request while fetching a "
        + "bundle (1024..4194304); the transport's frame size (65536) sends each in one frame.")
    int chunk_size() default 65_536;

    @AttributeDefinition(name = "max.bundle.size", description = "Largest bundle deployed, in bytes "
        + "(1024..1073741824); larger ones are refused before they are read or fetched whole.")
    long max_bundle_size() default 64L << 20;

    @AttributeDefinition(name = "allowed.schemes", description = "URL schemes swarm:deploy reads from (file, "
        + "http, https, ...).")
    String[] allowed_schemes() default {"file", "http", "https"};

    @AttributeDefinition(name = "fetch.timeout.ms", description = "How long a peer may take to answer one chunk; "
        + "a transfer with an unanswered chunk is abandoned and tried again (100..600000).")
    long fetch_timeout_ms() default 10_000;

    @AttributeDefinition(name = "retry.delay.ms", description = "How long after a failed fetch it is tried again, "
        + "from the next peer that has the bytes (10..600000).")
    long retry_delay_ms() default 2_000;

    @AttributeDefinition(name = "gossip.interval.ms", description = "How often a node sends each peer the digest "
        + "of its catalog and its status, repairing lost messages (100..600000).")
    long gossip_interval_ms() default 5_000;

    @AttributeDefinition(name = "max.deployments", description = "Most bundle symbolic names in the catalog, "
        + "undeployed ones included (1..65536); also bounds what one peer's message may hold.")
    int max_deployments() default 1_024;

    @AttributeDefinition(name = "rolling.wait.ms", description = "Rolling upgrade: a newer version of a deployed "
        + "bundle is installed on one node at a time, in the order of node names, so the other nodes offer its "
        + "worker types meanwhile and its workers move there with their state; a node waits at most this long "
        + "for the nodes before it, then updates anyway. 0: every node updates at once (0..3600000).")
    long rolling_wait_ms() default 120_000;
}
