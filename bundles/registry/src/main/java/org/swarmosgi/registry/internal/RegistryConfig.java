package org.swarmosgi.registry.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@code org.swarmosgi.registry}. Every key is optional; the defaults need no tuning. */
@ObjectClassDefinition(name = "Swarm registry", description = "The replicated registry of named workers.")
public @interface RegistryConfig {

    @AttributeDefinition(name = "virtual.nodes", description = "Points per node on the hash ring (1..65536). More: "
        + "more even placement, more memory and a slower topology change. swarm:status computes the shares it "
        + "shows with the default.")
    int virtual_nodes() default 2048;

    @AttributeDefinition(name = "static.quorum.size", description = "0: off. Otherwise a side of a partition with "
        + "fewer live nodes refuses registrations and stops its movable workers instead of running duplicates.")
    int static_quorum_size() default 0;

    @AttributeDefinition(name = "retry.delay.ms", description = "How long a request waits before asking the name's "
        + "owner again when it was busy or not the owner yet (1..60000).")
    long retry_delay_ms() default 20;

    @AttributeDefinition(name = "sync.timeout.ms", description = "How long an anti-entropy sync, or a request to a "
        + "name's owner, may go unanswered before it is asked again (10..600000).")
    long sync_timeout_ms() default 2_000;

    @AttributeDefinition(name = "announce.interval.ms", description = "How often a node tells its peers how far its "
        + "records are, so a lost update is repaired (10..600000).")
    long announce_interval_ms() default 500;

    @AttributeDefinition(name = "claim.timeout.ms", description = "How long a name's owner holds it for a start that "
        + "does not answer (10..600000).")
    long claim_timeout_ms() default 10_000;

    @AttributeDefinition(name = "conflict.retry.ms", description = "How long the owner of a name held twice after a "
        + "partition waits before it resolves it again (10..600000).")
    long conflict_retry_ms() default 1_000;

    @AttributeDefinition(name = "sync.batch.records", description = "Most records in one anti-entropy message "
        + "(1..1000000).")
    int sync_batch_records() default 20_000;

    @AttributeDefinition(name = "handoff.max.inflight", description = "Most of this node's workers being moved "
        + "(handed off) at once after a topology change; the others wait their turn. One slow beginHandoff "
        + "holds one of them, never the rest (1..1000000).")
    int handoff_max_inflight() default 256;

    @AttributeDefinition(name = "checkpoint.copies", description = "For worker types with a checkpoint interval: how "
        + "many nodes hold each worker's latest checkpoint, its first successors (the node a failover would start it "
        + "on, then the one after it if that one died too...). K copies keep the state through K crashes in a row "
        + "of its host and successors; each copy costs its memory and its traffic every round (1..16).")
    int checkpoint_copies() default 2;

    @AttributeDefinition(name = "drain.timeout.ms", description = "When the registry stops (the node stops, or the "
        + "registry's configuration changes), how long it may hand its workers off to the other nodes before the ones "
        + "left stop with it (0..600000; 0: no handoff, they stop at once).")
    long drain_timeout_ms() default 10_000;
}
