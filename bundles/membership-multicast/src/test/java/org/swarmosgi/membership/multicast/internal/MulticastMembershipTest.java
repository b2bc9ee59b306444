package org.swarmosgi.membership.multicast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
        assumeTrue(loopbackMulticastWorks(), "needs multicast on loopback: joining 230.0.0.251 on lo and hearing "
                + "our own datagram");
        // The kernel picks the group port and this socket holds it (SO_REUSEADDR, as the engine's) for
        // the test: nothing probed free and released for someone else to take meanwhile.
        final DatagramChannel held = holdGroupPort();
        final int port = ((InetSocketAddress) held.getLocalAddress()).getPort();
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
            assertThat(heard).containsExactly("up b 127.0.0.1:7002", "down b LEFT");
        } finally {
            a.deactivate();
            b.deactivate();
            held.close();
        }
    }

    private static DatagramChannel holdGroupPort() throws IOException {
        final DatagramChannel held = DatagramChannel.open(StandardProtocolFamily.INET);
        held.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        held.bind(new InetSocketAddress(InetAddress.getByName("230.0.0.251"), 0));
        return held;
    }

    /** Whether a datagram sent to the group on lo comes back to a member of the group on lo. */
    private static boolean loopbackMulticastWorks() {
        try (DatagramChannel channel = holdGroupPort(); Selector selector = Selector.open()) {
            final NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
            final InetAddress group = InetAddress.getByName("230.0.0.251");
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            channel.join(group, lo);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            channel.send(ByteBuffer.wrap(new byte[] {42}),
                    new InetSocketAddress(group, ((InetSocketAddress) channel.getLocalAddress()).getPort()));
            selector.select(2_000); // bounded wait on the socket: the datagram is there at once or not at all
            return channel.receive(ByteBuffer.allocate(8)) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
