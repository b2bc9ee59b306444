package org.swarmosgi.membership.multicast.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.metrics.MetricSource;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.membership.core.AdmissionFilter;
import org.swarmosgi.membership.core.EngineMembership;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.MembershipEngine;

/**
 * Membership by multicast heartbeats. Active only on a node whose {@code autocluster} is
 * {@code multicast} (the LocalNode target); a configuration change restarts it (LEAVE, then join).
 */
// Immediate: a node heartbeats from start-up, not from its first service consumer.
@Component(service = {Membership.class, MetricSource.class}, property = Membership.STRATEGY + "=multicast", immediate = true,
        configurationPid = "org.swarmosgi.membership.multicast")
@Designate(ocd = MulticastConfig.class)
public final class MulticastMembership extends EngineMembership {

    private final MembershipEngine engine;

    @Activate
    public MulticastMembership(MulticastConfig config,
                               @Reference(name = "node", target = "(" + LocalNode.AUTOCLUSTER + "=multicast)") LocalNode node,
                               @Reference(name = "transport") Transport transport) throws IOException {
        this(MulticastSettings.from(config), node, transport.localEndpoint());
    }

    MulticastMembership(MulticastSettings settings, LocalNode node, Endpoint transportEndpoint) throws IOException {
        // Refused, not warned: with the public development secret anyone on that network could join.
        node.requireSecretFor("if_addr", settings.delivery().interfaceAddress());
        this.engine = MembershipEngine.start(new EngineConfig(node.clusterName(), node.id(), transportEndpoint,
                node.deriveKey("membership"), settings.timing()), settings.delivery(), AdmissionFilter.ANY);
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    @Override
    protected MembershipEngine engine() {
        return engine;
    }
}
