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
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;

/**
 * {@code swarm:nodes}: every node membership reports or the registry places names on, with its
 * incarnation, endpoint, state, last heartbeat, ring share and roles. References as
 * {@link StatusCommand}'s: this node mandatory, the rest optional and dynamic.
 */
@Component(service = NodesCommand.class, property = {"osgi.command.scope=swarm", "osgi.command.function=nodes"})
public final class NodesCommand {

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
        final StatusReport.Topology topology = r == null ? null : StatusCommand.topology(r);
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
        final NodesReport.Views views = new NodesReport.Views(members, heard, topology);
        final Instant now = Instant.now();
        return json ? Json.write(NodesReport.json(self, views, now)) : NodesReport.format(self, views, now);
    }
}
