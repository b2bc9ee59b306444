package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.membership.core.MembershipEngine;
import org.swarmosgi.test.support.Processes;

/**
 * A duty cycle that cannot die silently: an Error thrown on the transport's one thread (which also
 * runs the media driver and the Aeron client) is counted, the transport is withdrawn and closed, the
 * membership that needs it stops and says LEAVE, so the peer sees this node go down at once instead of
 * a node that looks up with a dead transport; after a backoff the transport comes back on the same
 * port, membership starts again, the peer sees the node up and its calls are answered.
 *
 * <p>This JVM runs the supervised component and a real membership engine, started and stopped with the
 * Transport service as a membership strategy is (its reference to Transport is mandatory and static);
 * the peer is a child JVM with its own transport and membership.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DutyCycleFailureTest {
    private static final String CLUSTER = "duty-cycle-" + ProcessHandle.current().pid();
    private static final String SECRET = "duty-cycle-secret";

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private final Processes processes = new Processes();
    private PeerProcess peer;
    private AeronTransportComponent component;

    /** Stands in for a membership strategy bound to the Transport service. */
    private final class Strategy implements TransportSupervisor.Registrar {
        private final NodeId self;
        volatile MembershipEngine membership;
        volatile int registrations;

        Strategy(NodeId self) {
            this.self = self;
        }

        @Override
        public Runnable apply(Transport transport) {
            registrations++;
            final Subscription echo = transport.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
            final MembershipEngine m = TestNodes.membership(transport, self, CLUSTER, SECRET,
                List.of(new InetSocketAddress("127.0.0.1", peer.membershipPort)));
            membership = m;
            return () -> {
                m.close(); // the strategy deactivates: LEAVE
                echo.close();
            };
        }
    }

    @AfterEach
    void stop() {
        try {
            if (component != null) {
                component.deactivate();
            }
        } finally {
            processes.close();
            handlers.shutdownNow();
        }
    }

    private int[] seenByPeer(String name) {
        final String[] line = peer.command("seen " + name, "SEEN", 10).split(" ");
        return new int[] {Integer.parseInt(line[1]), Integer.parseInt(line[2])};
    }

    @Test
    void anErrorOnTheDutyCycleTakesTheNodeDownAndTheRestartedTransportBringsItBack() throws Exception {
        peer = PeerProcess.start(processes, "duty-peer", CLUSTER, SECRET, 0, "membership");
        final NodeId self = new NodeId("duty-local", TestNodes.incarnation());
        final Path work = Files.createDirectories(TestNodes.NODES_DIR.resolve("duty-local-" + UUID.randomUUID()));
        final LocalNode node = new AeronTransportComponentTest.TestLocalNode(self, SECRET, work, CLUSTER);
        final Strategy strategy = new Strategy(self);
        component = new AeronTransportComponent(
            AeronTransportComponent.settings(node, AeronTransportComponentTest.config(java.util.Map.of())), strategy, 200);
        final AeronTransportEngine first = component.engine();
        final int port = first.localEndpoint().port();

        await().atMost(Duration.ofSeconds(20)).until(() -> seenByPeer("duty-local")[0] == 1);
        assertThat(peer.command("call-member duty-local", "REPLY", 10)).isEqualTo("REPLY 16");
        final ByteBuffer reply = first.request(peer.member, TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
            .toCompletableFuture().join();
        assertThat(reply.remaining()).isEqualTo(8);

        first.injectFault(new InternalError("injected: the duty cycle's agent failed"));

        // Counted, withdrawn and closed; membership left, so the peer saw this node go down.
        await().atMost(Duration.ofSeconds(20)).until(() -> seenByPeer("duty-local")[1] == 1);
        assertThat(first.stats().fatalErrors()).isEqualTo(1);
        assertThat(first.stats().errors()).isPositive();
        assertThat(first.failed()).isTrue();

        // Back after the backoff: a fresh engine on the same port, registered again, membership again.
        await().atMost(Duration.ofSeconds(30)).until(() -> component.supervisor().restarts() == 1
            && component.engine() != null && seenByPeer("duty-local")[0] == 2);
        final AeronTransportEngine second = component.engine();
        assertThat(second).isNotSameAs(first);
        assertThat(second.localEndpoint().port()).isEqualTo(port);
        assertThat(strategy.registrations).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
            .until(() -> peer.command("call-member duty-local", "REPLY", 10).equals("REPLY 16"));
        assertThat(second.request(peer.member, TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
            .toCompletableFuture().join().remaining()).isEqualTo(8);
    }
}
