package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.membership.core.EngineMembership;
import org.swarmosgi.membership.core.MembershipEngine;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.Settings;
import org.swarmosgi.membership.core.Timing;

/**
 * The Kubernetes strategy as a DS component: active only on a node whose {@code autocluster} is
 * {@code kubernetes}; publishes the membership of the pods that match the selector.
 */
@Component(
        service = {Membership.class, MetricSource.class},
        // Heartbeats must run whether or not anyone uses the service yet; a delayed component would
        // also close (and leave the cluster) whenever its last user let go.
        immediate = true,
        configurationPid = KubernetesConfig.PID,
        property = Membership.STRATEGY + "=kubernetes")
@Designate(ocd = KubernetesConfig.class)
public final class KubernetesMembership extends EngineMembership {

    /** HKDF purpose of the heartbeat MAC key, as agreed for every strategy. */
    private static final String KEY_PURPOSE = "membership";

    private final KubernetesDiscovery discovery;

    /**
     * @throws IllegalArgumentException naming the configuration key whose value is invalid
     * @throws IOException              when the membership socket cannot be bound
     */
    @Activate
    public KubernetesMembership(KubernetesConfig config,
                                @Reference(name = "node", target = "(" + LocalNode.AUTOCLUSTER + "=kubernetes)") LocalNode node,
                                @Reference(name = "transport") Transport transport) throws IOException {
        final KubernetesSettings settings = KubernetesSettings.resolve(config, System.getenv());
        final Timing timing = Settings.timing(config.heartbeat__interval__ms(), config.phi__threshold(),
                config.acceptable__pause__ms(), config.min__std__deviation__ms());
        final InetAddress bind = Settings.address("bindAddress (node)", node.bindAddress());
        final InetAddress advertise = Settings.address("advertiseAddress (node)", node.advertiseAddress());
        warnUnlessNamedAfterPod(node, settings);
        discovery = KubernetesDiscovery.start(settings,
                new EngineConfig(node.clusterName(), node.id(), transport.localEndpoint(), node.deriveKey(KEY_PURPOSE),
                        timing),
                new InetSocketAddress(bind, settings.port()),
                advertise.isAnyLocalAddress() ? null : advertise);
        PodPoller.LOG.log(Level.INFO, "Kubernetes membership: node " + node.id() + " lists pods matching '"
                + settings.selector() + "' in namespace " + settings.namespace() + " at " + settings.apiHost() + ":"
                + settings.apiPort() + " every " + settings.pollInterval().toMillis() + " ms; heartbeats on UDP "
                + discovery.engine().localAddress());
    }

    /** Peers admit a node only as {@code <basename>@<its pod ip>}: say so at once if this one is not. */
    private static void warnUnlessNamedAfterPod(LocalNode node, KubernetesSettings settings) {
        final String expected = PodTarget.nodeName(settings.basename(), node.advertiseAddress());
        if (!node.id().name().equals(expected)) {
            PodPoller.LOG.log(Level.WARNING, "Kubernetes membership: this node is named '" + node.id().name()
                    + "', but peers admit pods only as <kubernetes_node_basename>@<pod ip>, here '" + expected
                    + "': set the node name (SWARM_NODE_NAME=" + settings.basename() + "@$(POD_IP)) and the "
                    + "advertise address (SWARM_ADVERTISE_ADDRESS=$(POD_IP))");
        }
    }

    @Deactivate
    void deactivate() {
        discovery.close();
    }

    @Override
    protected MembershipEngine engine() {
        return discovery.engine();
    }

    /** The engine's figures and the pod poller's errors. */
    @Override
    public List<Metric> metrics() {
        final List<Metric> metrics = new ArrayList<>(super.metrics());
        metrics.add(Metric.counter("swarm_membership_kubernetes_poll_errors_total",
                "Unexpected errors while polling the Kubernetes pods API (each also logged)", discovery.pollErrors()));
        return metrics;
    }
}
