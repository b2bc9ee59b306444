package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.MembershipListener;

/**
 * Real engines on loopback: a heartbeat and a LEAVE of a node's previous run, captured on the wire
 * and replayed to a node that never saw that run, must not displace the current run.
 */
class ReplayAcrossRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final String cluster = TestNetwork.clusterName("replay");
    private final byte[] key = new byte[32];
    private final List<AutoCloseable> open = new ArrayList<>();

    ReplayAcrossRestartTest() {
        new SecureRandom().nextBytes(key);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private MembershipEngine engine(String name, long incarnation) throws Exception {
        final MembershipEngine engine = MembershipEngine.start(new EngineConfig(cluster,
                new NodeId(name, incarnation), new Endpoint("127.0.0.1", 7000), key, Timing.DEFAULTS),
                new Delivery.Unicast(new InetSocketAddress(LOOPBACK, 0), LOOPBACK, true), AdmissionFilter.ANY);
        open.add(engine);
        return engine;
    }

    /** The next datagram the tap hears whose LEAVE flag is {@code leave}. */
    private static byte[] capture(DatagramChannel tap, boolean leave) throws Exception {
        final DatagramPacket packet = new DatagramPacket(new byte[HeartbeatCodec.MAX_SIZE], HeartbeatCodec.MAX_SIZE);
        while (true) {
            tap.socket().receive(packet); // SO_TIMEOUT bounds it
            final byte[] bytes = Arrays.copyOf(packet.getData(), packet.getLength());
            if (((bytes[3] & 1) != 0) == leave) {
                return bytes;
            }
        }
    }

    @Test
    void aCapturedHeartbeatAndLeaveOfTheOldRunReplayedToANewNode_leaveTheCurrentRunUp() throws Exception {
        final DatagramChannel tap = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        open.add(tap);
        tap.socket().setSoTimeout(10_000);

        final long first = TestNetwork.incarnation();
        final MembershipEngine a1 = engine("a", first);
        a1.setTargets(List.of((InetSocketAddress) tap.getLocalAddress()));
        final byte[] heartbeat = capture(tap, false);
        a1.close();
        final byte[] leave = capture(tap, true);

        // A restarts: a later start, so a greater incarnation, as NodeIdentity makes them.
        final long second = Math.max(TestNetwork.incarnation(), first + (1 << 16));
        final MembershipEngine a2 = engine("a", second);
        final MembershipEngine c = engine("c", TestNetwork.incarnation());
        c.setTargets(List.of(a2.localAddress()));
        await().atMost(WAIT).until(() -> c.members().stream().anyMatch(m -> m.id().equals(new NodeId("a", second))));
        final List<String> events = new CopyOnWriteArrayList<>();
        c.subscribe(new MembershipListener() {
            @Override
            public void memberUp(Member member) {
                events.add("up " + member.id());
            }

            @Override
            public void memberDown(Member member, DownReason reason) {
                events.add("down " + member.id() + " " + reason);
            }
        });

        for (int i = 0; i < 3; i++) {
            tap.send(java.nio.ByteBuffer.wrap(heartbeat), c.localAddress());
            tap.send(java.nio.ByteBuffer.wrap(leave), c.localAddress());
        }
        await().atMost(WAIT).until(() -> c.count(Counter.REFUSED_STALE_INCARNATION) >= 6);
        // The current run keeps being accepted: proof that time and its heartbeats went by.
        final long accepted = c.count(Counter.ACCEPTED);
        await().atMost(WAIT).until(() -> c.count(Counter.ACCEPTED) >= accepted + 20);

        assertThat(c.members()).extracting(Member::id).contains(new NodeId("a", second))
                .doesNotContain(new NodeId("a", first));
        assertThat(events).containsExactly("up " + new NodeId("a", second));
    }
}
