package org.swarmosgi.membership.statik.internal;

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
 * Membership by unicast heartbeats to a seed list: the seeds that answer, and every node that
 * heartbeats this one with the cluster key, are members. Active only on a node whose
 * {@code autocluster} is {@code static}.
 */
// Immediate: a node heartbeats from start-up, not from its first service consumer.
@Component(service = {Membership.class, MetricSource.class}, property = Membership.STRATEGY + "=static", immediate = true,
        configurationPid = "org.swarmosgi.membership.static")
@Designate(ocd = StaticConfig.class)
public final class StaticMembership extends EngineMembership {

    private final MembershipEngine engine;

    @Activate
    public StaticMembership(StaticConfig config,
                            @Reference(name = "node", target = "(" + LocalNode.AUTOCLUSTER + "=static)") LocalNode node,
                            @Reference(name = "transport") Transport transport) throws IOException {
        this(StaticSettings.from(config, node), node, transport.localEndpoint());
    }

    StaticMembership(StaticSettings settings, LocalNode node, Endpoint transportEndpoint) throws IOException {
        // Refused, not warned: with the public development secret anyone on that network could join.
        // Seeds were resolved by StaticSettings at activation, so no lookup happens here.
        node.requireSecretFor("bind.address (org.swarmosgi.node)", settings.delivery().bind().getAddress());
        for (java.net.InetSocketAddress seed : settings.seeds()) {
            node.requireSecretFor("seeds", seed.getAddress());
        }
        this.engine = MembershipEngine.start(new EngineConfig(node.clusterName(), node.id(), transportEndpoint,
                node.deriveKey("membership"), settings.timing()), settings.delivery(), AdmissionFilter.ANY);
        engine.setTargets(settings.seeds());
    }

    @Deactivate
    void deactivate() {
        engine.close();
    }

    /** The bound membership port (the actual one when 0 was configured). */
    int port() {
        return engine.localAddress().getPort();
    }

    @Override
    protected MembershipEngine engine() {
        return engine;
    }
}
