package org.swarmosgi.membership.multicast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.node.internal.StandaloneNode;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.membership.core.Timing;

class MulticastMembershipTest {

    /** The real LocalNode implementation, on a plain class path. */
    private static LocalNode node(String name, String cluster) {
        return StandaloneNode.of(name, cluster, "a-test-cluster-secret", "multicast",
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static MulticastSettings settings(Consumer<TestConfig> change) {
        final TestConfig config = new TestConfig();
        change.accept(config);
        return MulticastSettings.from(config);
    }

    @Test
    void defaultsAreSwarmsButOnLoopback() throws Exception {
        final MulticastSettings defaults = settings(c -> { });
        assertThat(defaults.delivery().group()).isEqualTo(InetAddress.getByName("230.0.0.251"));
        assertThat(defaults.delivery().port()).isEqualTo(45892);
        assertThat(defaults.delivery().ttl()).isEqualTo(1);
        assertThat(defaults.delivery().interfaceAddress().isLoopbackAddress()).isTrue();
        assertThat(defaults.timing()).isEqualTo(Timing.DEFAULTS);
    }

    @Test
    void invalidValuesAreRefusedByTheirKey() {
        assertThatThrownBy(() -> settings(c -> c.port = 0)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> settings(c -> c.port = 70_000)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> settings(c -> c.multicastAddr = "10.0.0.1")).hasMessageStartingWith("multicast_addr:");
        assertThatThrownBy(() -> settings(c -> c.multicastAddr = "not an address")).hasMessageStartingWith("multicast_addr:");
        assertThatThrownBy(() -> settings(c -> c.ttl = 256)).hasMessageStartingWith("multicast_ttl:");
        assertThatThrownBy(() -> settings(c -> c.ttl = -1)).hasMessageStartingWith("multicast_ttl:");
        assertThatThrownBy(() -> settings(c -> c.ifAddr = "")).hasMessageStartingWith("if_addr:");
        assertThatThrownBy(() -> settings(c -> c.ifAddr = "192.0.2.1")).hasMessageStartingWith("if_addr:");
        assertThatThrownBy(() -> settings(c -> c.interval = 5)).hasMessageStartingWith("heartbeat_interval_ms:");
        assertThatThrownBy(() -> settings(c -> c.phi = 0.5)).hasMessageStartingWith("phi_threshold:");
        assertThatThrownBy(() -> settings(c -> c.phi = Double.NaN)).hasMessageStartingWith("phi_threshold:");
        assertThatThrownBy(() -> settings(c -> c.pause = -1)).hasMessageStartingWith("acceptable_pause_ms:");
        assertThatThrownBy(() -> settings(c -> c.minStd = 0)).hasMessageStartingWith("min_std_deviation_ms:");
    }

    @Test
    void twoComponentsOnLoopbackSeeEachOther_andDeactivationIsALeave() throws Exception {
        final int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = probe.getLocalPort();
        }
        final String cluster = "component-test-" + ProcessHandle.current().pid();
        final MulticastSettings settings = settings(c -> c.port = port);
        final MulticastMembership a = new MulticastMembership(settings, node("a", cluster),
                new Endpoint("127.0.0.1", 7001));
        final MulticastMembership b = new MulticastMembership(settings, node("b", cluster),
                new Endpoint("127.0.0.1", 7002));
        try {
            final List<String> heard = new CopyOnWriteArrayList<>();
            a.subscribe(new MembershipListener() {
                @Override
                public void memberUp(Member member) {
                    heard.add("up " + member.id().name() + " " + member.endpoint());
                }

                @Override
                public void memberDown(Member member, DownReason reason) {
                    heard.add("down " + member.id().name() + " " + reason);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> a.members().size() == 2 && b.members().size() == 2);
            assertThat(a.members()).contains(b.self());
            b.deactivate();
            await().atMost(Duration.ofSeconds(1)).until(() -> a.members().size() == 1);
            assertThat(heard).containsExactly("up b 127.0.0.1:7002", "down b left");
        } finally {
            a.deactivate();
            b.deactivate();
        }
    }
}
