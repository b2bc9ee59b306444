package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.metrics.Metric;

/**
 * Two real engines on loopback: what one of them counts when the other comes and leaves, and when a
 * listener throws. Ups and downs by reason, loop turns and listener errors are figures, not only log lines.
 */
class EngineMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final String cluster = TestNetwork.clusterName("metrics");
    private final byte[] key = new byte[32];

    EngineMetricsTest() {
        new SecureRandom().nextBytes(key);
    }

    private MembershipEngine engine(String name) throws Exception {
        return MembershipEngine.start(new EngineConfig(cluster, new NodeId(name, System.currentTimeMillis()),
                new Endpoint("127.0.0.1", 7000), key, Timing.DEFAULTS),
                new Delivery.Unicast(new InetSocketAddress(LOOPBACK, 0), LOOPBACK, true), AdmissionFilter.ANY);
    }

    private static long value(MembershipEngine engine, String name, Map<String, String> labels) {
        for (Metric m : engine.metrics()) {
            if (m.name().equals(name) && m.labels().equals(labels)) {
                return m.value();
            }
        }
        throw new AssertionError("no " + name + labels + " in " + engine.metrics());
    }

    @Test
    void upsDownsByReasonLoopTurnsAndThrowingListenersAreCounted() throws Exception {
        try (MembershipEngine a = engine("metrics-a")) {
            a.subscribe(new MembershipListener() {
                @Override
                public void memberUp(Member member) {
                    throw new IllegalStateException("a listener that throws");
                }

                @Override
                public void memberDown(Member member, DownReason reason) {
                }
            });
            final long turns = value(a, "swarm_membership_duty_cycles_total", Map.of());
            try (MembershipEngine b = engine("metrics-b")) {
                a.setTargets(List.of(b.localAddress()));
                b.setTargets(List.of(a.localAddress()));
                await().atMost(WAIT).until(() -> value(a, "swarm_membership_members", Map.of()) == 2);
            }
            // b closed: it sent LEAVE.
            await().atMost(WAIT).until(() -> value(a, "swarm_membership_downs_total", Map.of("reason", "LEFT")) == 1);
            assertThat(value(a, "swarm_membership_ups_total", Map.of())).isEqualTo(1);
            assertThat(value(a, "swarm_membership_downs_total", Map.of("reason", "FAILED"))).isZero();
            assertThat(value(a, "swarm_membership_listener_errors_total", Map.of())).isEqualTo(1);
            assertThat(value(a, "swarm_membership_duty_cycles_total", Map.of())).isGreaterThan(turns);
            assertThat(value(a, "swarm_membership_refused_total", Map.of("reason", "BAD_MAC"))).isZero();
        }
    }
}
