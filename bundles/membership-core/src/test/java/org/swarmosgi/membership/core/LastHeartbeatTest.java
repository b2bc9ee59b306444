package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;

/** {@code Membership.lastHeartbeat}: when each member was last heard, for the shell's {@code swarm:nodes}. */
class LastHeartbeatTest {

    private static MembershipEngine start(String cluster, NodeId id, byte[] key) throws Exception {
        return MembershipEngine.start(new EngineConfig(cluster, id, new Endpoint("127.0.0.1", 7000), key, Timing.DEFAULTS),
                new Delivery.Unicast(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        InetAddress.getLoopbackAddress(), true), AdmissionFilter.ANY);
    }

    @Test
    void aMemberHeardFromHasItsLastHeartbeatTime_thisNodeAndAMemberThatLeftHaveNone() throws Exception {
        final String cluster = TestNetwork.clusterName("heard");
        final byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        final NodeId a = new NodeId("a", TestNetwork.incarnation());
        final NodeId b = new NodeId("b", TestNetwork.incarnation());
        try (MembershipEngine ea = start(cluster, a, key)) {
            final Instant before = Instant.now().minusMillis(1);
            try (MembershipEngine eb = start(cluster, b, key)) {
                ea.setTargets(List.of(eb.localAddress()));
                eb.setTargets(List.of(ea.localAddress()));
                await().atMost(Duration.ofSeconds(20)).until(() -> ea.lastHeartbeat(b).isPresent());

                assertThat(ea.lastHeartbeat(b).get()).isBetween(before, Instant.now());
                assertThat(ea.lastHeartbeat(a)).as("this node").isEmpty();
                assertThat(ea.lastHeartbeat(new NodeId("b", b.incarnation() + 1))).as("another run").isEmpty();
                // Heartbeats keep coming: the time moves on.
                final Instant first = ea.lastHeartbeat(b).get();
                await().atMost(Duration.ofSeconds(20)).until(() -> ea.lastHeartbeat(b).get().isAfter(first));
            }
            // b sent LEAVE on close: forgotten at the next check.
            await().atMost(Duration.ofSeconds(20)).until(() -> ea.lastHeartbeat(b).isEmpty());
        }
    }
}
