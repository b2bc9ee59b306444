package org.swarmosgi.membership.statik.internal;

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
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.node.internal.StandaloneNode;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.membership.core.Timing;

class StaticMembershipTest {

    /** The real LocalNode implementation, on a plain class path. */
    private static LocalNode node(String name, String cluster) {
        return StandaloneNode.of(name, cluster, "a-test-cluster-secret", "static",
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static final LocalNode NODE = node("n", "c");

    private static StaticSettings settings(Consumer<TestConfig> change) {
        final TestConfig config = new TestConfig();
        change.accept(config);
        return StaticSettings.from(config, NODE);
    }

    @Test
    void defaultsBindTheNodesAddressWithNoSeeds() throws Exception {
        final StaticSettings defaults = settings(c -> { });
        assertThat(defaults.seeds()).isEmpty();
        assertThat(defaults.delivery().bind()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 45892));
        assertThat(defaults.delivery().advertise()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(defaults.timing()).isEqualTo(Timing.DEFAULTS);
    }

    @Test
    void seedsInOneCommaSeparatedValueAreSeveralSeeds() throws Exception {
        // A .cfg file line (seeds = a:1, b:2) arrives as one string.
        assertThat(settings(c -> c.seeds = new String[] {"127.0.0.1:45001, 127.0.0.2:45002,[::1]:45003"}).seeds())
                .containsExactly(new InetSocketAddress("127.0.0.1", 45001), new InetSocketAddress("127.0.0.2", 45002),
                        new InetSocketAddress("::1", 45003));
    }

    @Test
    void invalidValuesAreRefusedByTheirKey() {
        assertThatThrownBy(() -> settings(c -> c.seeds = new String[] {"127.0.0.1"})).hasMessageStartingWith("seeds:");
        assertThatThrownBy(() -> settings(c -> c.seeds = new String[] {"127.0.0.1:0"})).hasMessageStartingWith("seeds:");
        assertThatThrownBy(() -> settings(c -> c.seeds = new String[] {"127.0.0.1:x"})).hasMessageStartingWith("seeds:");
        assertThatThrownBy(() -> settings(c -> c.seeds = new String[] {"no-such-host.invalid:1"}))
                .hasMessageStartingWith("seeds:");
        assertThatThrownBy(() -> settings(c -> c.port = -1)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> settings(c -> c.port = 65_536)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> settings(c -> c.interval = 20_000)).hasMessageStartingWith("heartbeat_interval_ms:");
        assertThatThrownBy(() -> settings(c -> c.phi = 31)).hasMessageStartingWith("phi_threshold:");
        assertThatThrownBy(() -> settings(c -> c.pause = 60_001)).hasMessageStartingWith("acceptable_pause_ms:");
        assertThatThrownBy(() -> settings(c -> c.minStd = 10_001)).hasMessageStartingWith("min_std_deviation_ms:");
    }

    @Test
    void aNodeThatListsOnlyTheSeedJoinsIt_andDeactivationIsALeave() throws Exception {
        final int seedPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            seedPort = probe.getLocalPort();
        }
        final String cluster = "static-component-test-" + ProcessHandle.current().pid();
        final String seed = "127.0.0.1:" + seedPort;
        final StaticMembership a = new StaticMembership(settings(c -> {
            c.port = seedPort;
            c.seeds = new String[] {seed};
        }), node("a", cluster), new Endpoint("127.0.0.1", 7001));
        // b lists only the seed and takes any port: a learns b from b's heartbeats.
        final StaticMembership b = new StaticMembership(settings(c -> {
            c.port = 0;
            c.seeds = new String[] {seed};
        }), node("b", cluster), new Endpoint("127.0.0.1", 7002));
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
            assertThat(b.port()).isNotEqualTo(seedPort).isPositive();
            b.deactivate();
            await().atMost(Duration.ofSeconds(1)).until(() -> a.members().size() == 1);
            assertThat(heard).containsExactly("up b 127.0.0.1:7002", "down b left");
        } finally {
            a.deactivate();
            b.deactivate();
        }
    }

    @Test
    void noneIsAClusterOfOne() {
        final Member self = new Member(new NodeId("alone", 1), new Endpoint("127.0.0.1", 7000));
        final NoneMembership none = new NoneMembership(self);
        assertThat(none.self()).isEqualTo(self);
        assertThat(none.members()).containsExactly(self);
    }
}
