package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.MembershipEngine;

/**
 * The pod poller wired to the membership core's unicast engine: every successful poll makes the
 * member pods (IP x membership port) the engine's heartbeat targets, and only those pods may join,
 * each under its own name {@code <basename>@<pod ip>} and from its own IP; a pod being deleted only
 * while its node is already a member. A failed poll changes neither. Gossip stays off: every node
 * lists every pod itself.
 */
final class KubernetesDiscovery implements AutoCloseable {

    private final KubernetesSettings settings;
    private final MembershipEngine engine;
    private final PodPoller poller;
    /** Member pods of the last successful poll, by address; read on the engine thread. */
    private volatile Map<InetAddress, PodTarget> pods = Map.of();

    private KubernetesDiscovery(KubernetesSettings settings, EngineConfig config, InetSocketAddress bind,
                                InetAddress advertise) throws IOException {
        this.settings = settings;
        this.engine = MembershipEngine.start(config, new Delivery.Unicast(bind, advertise, false), this::admit);
        this.poller = new PodPoller(settings, this::onPods);
    }

    /**
     * Opens the membership socket, starts heartbeating and polls the pods API at once.
     *
     * @param bind      local address and port of the membership socket
     * @param advertise the address peers reach this node at (the pod IP); null: the datagrams' source
     * @throws IOException when the membership socket cannot be bound
     */
    static KubernetesDiscovery start(KubernetesSettings settings, EngineConfig config, InetSocketAddress bind,
                                     InetAddress advertise) throws IOException {
        final KubernetesDiscovery discovery = new KubernetesDiscovery(settings, config, bind, advertise);
        discovery.poller.start();
        return discovery;
    }

    /** The running membership, published as the strategy's {@code Membership}. */
    MembershipEngine engine() {
        return engine;
    }

    /**
     * A listed pod under its own name, from its own IP. A pod being deleted is leaving: its node is
     * never admitted anew (whatever runs in a pod being deleted must not join and take workers), but
     * while it is a member it stays one, Ready or not, until its LEAVE (sent once it has handed its
     * workers off) or the failure detector: dropping it sooner would cut its handoffs off.
     */
    private boolean admit(NodeId id, Endpoint transport, InetSocketAddress source) {
        final PodTarget pod = pods.get(source.getAddress());
        if (pod == null || !pod.nodeName().equals(id.name())) {
            return false;
        }
        return !pod.leaving() || isMember(id);
    }

    private boolean isMember(NodeId id) {
        for (Member member : engine.members()) {
            if (member.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private void onPods(List<PodTarget> members) {
        final Map<InetAddress, PodTarget> byAddress = new HashMap<>();
        for (PodTarget pod : members) {
            byAddress.put(pod.address(), pod);
        }
        pods = Map.copyOf(byAddress);
        // Every pod listens on the port bound here (the configured one; in tests, the one picked for the first).
        final int port = engine.localAddress().getPort();
        engine.setTargets(members.stream().map(p -> new InetSocketAddress(p.address(), port)).toList());
    }

    /** Stops polling, then closes the engine, which tells the members this node leaves. */
    @Override
    public void close() {
        poller.close();
        engine.close();
    }
}
