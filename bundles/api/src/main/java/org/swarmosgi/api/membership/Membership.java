package org.swarmosgi.api.membership;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The live members of the cluster, as one strategy discovers them and its failure detector judges
 * them. Published as an OSGi service with the property {@value #STRATEGY}; at most one per node.
 *
 * <p>Guarantees: a member is reported up once per incarnation; a node that restarts (new
 * incarnation, same name) is reported down under its old id before it is reported up under its new
 * one, so consumers never see both; a member that leaves cleanly is reported down at once; one that
 * stops answering is reported down when the failure detector passes its threshold, and up again
 * (as the same incarnation) if it answers later.
 */
@ProviderType
public interface Membership {

    /** Service property naming the strategy: multicast, kubernetes, static or none. */
    String STRATEGY = "swarm.membership.strategy";

    /** This node, as the strategy advertises it. */
    Member self();

    /** The members currently up, this node included: a snapshot. */
    Collection<Member> members();

    /**
     * When this node last accepted a heartbeat of {@code member}, by the wall clock: for operators,
     * how long a member has been silent (a member the failure detector reported down keeps its last
     * one while it is remembered). Reads a snapshot; never blocks.
     *
     * @return empty for this node, for a member not heard from (or forgotten), and for strategies
     *         without heartbeats
     * @since 1.1
     */
    default Optional<Instant> lastHeartbeat(NodeId member) {
        return Optional.empty();
    }

    /**
     * Adds a listener. It is first told {@link MembershipListener#memberUp} for every current member
     * other than this node, then every change, in order, one at a time.
     */
    Subscription subscribe(MembershipListener listener);
}
