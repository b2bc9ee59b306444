package org.swarmosgi.shell.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;

/**
 * {@code swarm:status}: this node and the ring as this node sees it; {@code swarm:nodes}: every node
 * membership reports or the registry places names on, with incarnation, endpoint, state, last
 * heartbeat, ring share and roles. One component: the two read the same services. Gogo prints the
 * returned text.
 *
 * <p>LocalNode is static and mandatory: when the node re-registers (a configuration change gives a
 * new incarnation) this component is re-activated with the new one. Membership, Transport and the
 * SwarmRegistry come and go dynamically; their absence is shown, not an error. When a registry runs,
 * the ring is its topology ({@link SwarmRegistry#nodes()}, {@link SwarmRegistry#self()}): the
 * registry owns topology. Without one, the ring is built from membership's members, as before.
 */
@Component(
        service = StatusCommand.class,
        property = {"osgi.command.scope=swarm", "osgi.command.function=status", "osgi.command.function=nodes"})
public final class StatusCommand {

    @Reference
    private LocalNode node;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Membership membership;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Transport transport;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SwarmRegistry registry;

    @Descriptor("prints this node's identity, cluster and the hash ring with each member's share")
    public String status(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        final Transport t = transport;
        final Membership m = membership;
        final SwarmRegistry r = registry;
        final StatusReport.Node n = new StatusReport.Node(node.id(), node.clusterName(), node.autocluster(),
                node.bindAddress(), node.advertiseAddress(), node.usesDefaultSecret());
        final Endpoint endpoint = t == null ? null : t.localEndpoint();
        final Collection<Member> members = m == null ? null : m.members();
        final StatusReport.Topology topology = r == null ? null : topology(r);
        return json ? Json.write(StatusReport.json(n, endpoint, members, topology))
                : StatusReport.format(n, endpoint, members, topology);
    }

    /** The registry's topology, or null when it fails to answer (it is going away): then membership's ring. */
    static StatusReport.Topology topology(SwarmRegistry registry) {
        try {
            return new StatusReport.Topology(registry.self(), registry.nodes(), registry.ready(),
                    registry.hasQuorum());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Each node's roles and worker types as the registry heard them, or null when it fails to answer (going away). */
    static Map<NodeId, NodeProfile> profiles(SwarmRegistry registry) {
        try {
            return registry.profiles();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Descriptor("lists the nodes: incarnation, endpoint, state, last heartbeat, share of the ring, roles")
    public String nodes(
            @Descriptor(RegistryCommands.JSON_HELP)
            @Parameter(names = {"-j", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        final Membership m = membership;
        final Transport t = transport;
        final SwarmRegistry r = registry;
        final NodesReport.Self self = new NodesReport.Self(node.id(),
                t == null ? "-" : t.localEndpoint().toString(), node.roles());
        final Collection<Member> members = m == null ? null : m.members();
        final StatusReport.Topology topology = r == null ? null : topology(r);
        final Map<NodeId, Instant> heard = new HashMap<>();
        if (m != null) {
            for (Member member : members) {
                m.lastHeartbeat(member.id()).ifPresent(at -> heard.put(member.id(), at));
            }
            if (topology != null) { // a node the registry still places on may have gone silent
                for (Member member : topology.nodes()) {
                    m.lastHeartbeat(member.id()).ifPresent(at -> heard.put(member.id(), at));
                }
            }
        }
        final NodesReport.Views views = new NodesReport.Views(members, heard, topology, r == null ? null : profiles(r));
        final Instant now = Instant.now();
        return json ? Json.write(NodesReport.json(self, views, now)) : NodesReport.format(self, views, now);
    }
}
