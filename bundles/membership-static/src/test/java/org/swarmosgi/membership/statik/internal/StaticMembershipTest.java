package org.swarmosgi.membership.statik.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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

    /** A component of {@code cluster} on a kernel-chosen port, heartbeating {@code seeds}. */
    private static StaticMembership component(String name, String cluster, int transportPort, String... seeds)
            throws Exception {
        return new StaticMembership(settings(c -> {
            c.port = 0;
            c.seeds = seeds;
        }), node(name, cluster), new Endpoint("127.0.0.1", transportPort));
    }

    private static String cluster(String test) {
        return "static-" + test + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void seedsInOneCommaSeparatedValue_someOfThemNamesOrSilent_areAllHeartbeated_andTheLiveOneJoins() throws Exception {
        final String cluster = cluster("seeds");
        // A seed that never answers: a socket this test holds and never reads.
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            final int silentPort = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            final StaticMembership a = component("a", cluster, 7001);
            // A .cfg file line (seeds = a:1, b:2) arrives as one string; "localhost" is resolved by the
            // strategy when it is configured, never by the engine thread (which refuses unresolved targets).
            final StaticMembership b = component("b", cluster, 7002,
                    "127.0.0.1:" + silentPort + ", localhost:" + a.port());
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> a.members().size() == 2 && b.members().size() == 2);
                assertThat(a.members()).extracting(m -> m.id().name()).containsExactlyInAnyOrder("a", "b");
                assertThat(b.members()).extracting(Member::endpoint).contains(new Endpoint("127.0.0.1", 7001));
                // The silent seed was heartbeated too: its socket holds b's datagrams.
                silent.configureBlocking(false);
                await().atMost(Duration.ofSeconds(10)).until(() -> silent.receive(ByteBuffer.allocate(1024)) != null);
            } finally {
                a.deactivate();
                b.deactivate();
            }
        }
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
        final String cluster = cluster("join");
        final StaticMembership a = component("a", cluster, 7001);
        // b lists only the seed and takes any port: a learns b from b's heartbeats.
        final StaticMembership b = component("b", cluster, 7002, "127.0.0.1:" + a.port());
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
            b.deactivate();
            await().atMost(Duration.ofSeconds(1)).until(() -> a.members().size() == 1);
            assertThat(heard).containsExactly("up b 127.0.0.1:7002", "down b LEFT");
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
