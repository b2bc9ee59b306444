package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.container.internal.ContainerSettings;
import org.swarmosgi.container.internal.LocalWorkerHost;
import org.swarmosgi.node.internal.StandaloneNode;
import org.swarmosgi.transport.aeron.internal.AeronTransportEngine;
import org.swarmosgi.transport.aeron.internal.TransportSettings;

/**
 * The registry component on a real node, transport and worker host. Membership events come from
 * the test, in the exact orders a membership engine produces under load, which a live cluster
 * cannot be made to produce on demand.
 */
class RegistryComponentTest {
    private static final String CLUSTER = "component-test";

    @TempDir
    Path work;

    private AeronTransportEngine transport;
    private LocalWorkerHost host;
    private RegistryComponent registry;
    private final ScriptedMembership membership = new ScriptedMembership();

    @BeforeEach
    void start() {
        final LocalNode node = StandaloneNode.of("n1", CLUSTER, "component-test-secret-0123456789", "static",
            work.resolve("n1"));
        transport = AeronTransportEngine.start(TransportSettings.defaults(node.id(), CLUSTER,
            node.deriveKey("transport"), "127.0.0.1", 0, work.resolve("aeron")));
        membership.self = new Member(node.id(), transport.localEndpoint());
        host = new LocalWorkerHost(node.id(), Set.of(), ContainerSettings.DEFAULTS);
        registry = new RegistryComponent(node, transport, membership, host, DefaultConfig.registry());
    }

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.deactivate();
        }
        if (host != null) {
            host.close();
        }
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    void aPeerDeclaredDownAndUpAgainAtOnceStaysInTheTopology() {
        final Member peer = new Member(new NodeId("n2", 7), new Endpoint("127.0.0.1", 1));
        membership.up(peer);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.nodes().contains(peer));
        // A false down under load, then the same incarnation heartbeats again: both events reach the
        // registry before its thread has handled the first.
        membership.down(peer);
        membership.up(peer);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(registry.nodes()).containsExactlyInAnyOrder(membership.self, peer));
    }

    /** The membership SPI, with events told by the test in the order it chooses. */
    private static final class ScriptedMembership implements Membership {
        volatile Member self;
        private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

        void up(Member m) {
            listeners.forEach(l -> l.memberUp(m));
        }

        void down(Member m) {
            listeners.forEach(l -> l.memberDown(m, DownReason.FAILED));
        }

        @Override
        public Member self() {
            return self;
        }

        @Override
        public Collection<Member> members() {
            return List.of(self);
        }

        @Override
        public Subscription subscribe(MembershipListener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }
    }
}
