package org.swarmosgi.clusterconfig.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.swarmosgi.clusterconfig}. Every key is optional. */
@ObjectClassDefinition(name = "Swarm cluster configuration",
    description = "Which ConfigAdmin configurations are the same on every node of the cluster.")
public @interface ClusterConfigConfig {

    @AttributeDefinition(name = "allow.pids", description = "PIDs shared by every node: set or changed on one "
        + "node, applied on all. '*' matches any run of characters; a named factory configuration is "
        + "factoryPid~name. The PIDs of the node, the transport, membership and this bundle are never shared, "
        + "whatever is listed. Empty: nothing is shared.")
    String[] allow_pids() default {"org.swarmosgi.registry", "org.swarmosgi.worker.*", "org.swarmosgi.examples.*"};

    @AttributeDefinition(name = "deny.keys", description = "Property keys never sent nor overwritten by another "
        + "node's values (secrets), case-insensitive, '*' matching any run; keys starting with '.' (private) "
        + "and service.pid, service.factoryPid, service.bundleLocation, felix.fileinstall.filename are "
        + "always kept local.")
    String[] deny_keys() default {"*secret*", "*password*", "*passwd*", "*token*", "*credential*", "*private*"};

    @AttributeDefinition(name = "gossip.interval.ms", description = "How often a node sends each peer the digest "
        + "of its catalog, repairing lost messages (100..600000).")
    long gossip_interval_ms() default 5_000;

    @AttributeDefinition(name = "max.pids", description = "Most PIDs in the catalog, deleted ones included "
        + "(1..4096); also bounds what one peer's message may hold.")
    int max_pids() default 256;

    @AttributeDefinition(name = "max.entry.bytes", description = "Largest shared configuration of one PID, its "
        + "keys and values encoded, in bytes (256..1048576); a larger one is refused and logged, not sent.")
    int max_entry_bytes() default 65_536;

    @AttributeDefinition(name = "state.dir", description = "Folder that keeps the catalog across restarts. "
        + "Empty: cluster-config/ in the node's work folder.")
    String state_dir() default "";
}
