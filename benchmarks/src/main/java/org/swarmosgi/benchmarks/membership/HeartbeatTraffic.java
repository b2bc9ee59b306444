package org.swarmosgi.benchmarks.membership;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.membership.core.AdmissionFilter;
import org.swarmosgi.membership.core.Counter;
import org.swarmosgi.membership.core.Delivery;
import org.swarmosgi.membership.core.EngineConfig;
import org.swarmosgi.membership.core.Heartbeat;
import org.swarmosgi.membership.core.MembershipEngine;
import org.swarmosgi.membership.core.HeartbeatCodec;
import org.swarmosgi.membership.core.Timing;
import org.swarmosgi.test.support.HeldPort;

/**
 * Heartbeat traffic per node at 5 and 50 members, computed from real encoded heartbeats at the
 * default interval: multicast sends one datagram per interval to the group (each node receives
 * everyone's); unicast (static, kubernetes) sends one per member per interval with gossip.
 * Bytes on the wire add 28 bytes of IPv4 + UDP header per datagram. Then checks the computation
 * by running that many engines in this JVM on loopback for 10 s and counting the datagrams each
 * node actually sent and received.
 * Usage: {@code java -cp benchmarks.jar org.swarmosgi.benchmarks.membership.HeartbeatTraffic}
 */
public final class HeartbeatTraffic {

    private static final int IP_UDP_HEADERS = 28;

    private HeartbeatTraffic() {
    }

    public static void main(String[] args) throws Exception {
        final double perSecond = 1000.0 / Timing.DEFAULT_HEARTBEAT_INTERVAL_MS;
        // A typical node: name "<hostname>-<8 hex>", cluster "swarm", transport on an IPv4 address.
        final HeartbeatCodec codec = new HeartbeatCodec("swarm", new byte[32]);
        System.out.printf("Heartbeat interval %d ms (%.0f/s per node)%n", Timing.DEFAULT_HEARTBEAT_INTERVAL_MS, perSecond);
        System.out.println("members | mode      | payload B | datagrams sent/s | sent B/s (wire) | received B/s (wire)");
        for (int members : new int[] {5, 50}) {
            final int multicastSize = size(codec, 0, false);
            final double mcSent = perSecond * (multicastSize + IP_UDP_HEADERS);
            final double mcReceived = (members - 1) * mcSent;
            System.out.printf("%7d | multicast | %9d | %16.0f | %15.0f | %19.0f%n", members, multicastSize,
                    perSecond, mcSent, mcReceived);
            final int gossip = Math.min(HeartbeatCodec.MAX_PEERS, members - 1);
            final int unicastSize = size(codec, gossip, true);
            final double ucDatagrams = perSecond * (members - 1);
            final double ucSent = ucDatagrams * (unicastSize + IP_UDP_HEADERS);
            System.out.printf("%7d | unicast   | %9d | %16.0f | %15.0f | %19.0f%n", members, unicastSize,
                    ucDatagrams, ucSent, ucSent);
        }
        System.out.println();
        System.out.println("Measured, engines in one JVM on loopback for 10 s (datagrams per node per second):");
        for (int members : new int[] {5, 50}) {
            for (boolean multicast : new boolean[] {true, false}) {
                measure(members, multicast);
            }
        }
    }

    private static void measure(int members, boolean multicast) throws Exception {
        final String cluster = "traffic-" + ProcessHandle.current().pid() + "-" + members + multicast;
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        final List<MembershipEngine> engines = new ArrayList<>();
        try (HeldPort held = HeldPort.multicast("230.0.0.251")) {
            final int groupPort = held.port();
            InetSocketAddress seed = null;
            for (int i = 0; i < members; i++) {
                final EngineConfig config = new EngineConfig(cluster, new NodeId("worker-host-" + i, i),
                        new Endpoint("127.0.0.1", 7000 + i), BenchNode.membershipKey(cluster, "s"), Timing.DEFAULTS);
                final Delivery delivery = multicast
                        ? new Delivery.Multicast(InetAddress.getByName("230.0.0.251"), groupPort, loopback, 1)
                        : new Delivery.Unicast(new InetSocketAddress(loopback, 0), loopback, true);
                final MembershipEngine engine = MembershipEngine.start(config, delivery, AdmissionFilter.ANY);
                if (!multicast) {
                    seed = seed == null ? engine.localAddress() : seed;
                    engine.setTargets(List.of(seed)); // everyone knows only the first node: gossip does the rest
                }
                engines.add(engine);
            }
            BenchCluster.await("convergence of " + members, 120_000,
                    () -> engines.stream().allMatch(e -> e.members().size() == members));
            final long[] sent = new long[members];
            final long[] received = new long[members];
            for (int i = 0; i < members; i++) {
                sent[i] = engines.get(i).count(Counter.SENT);
                received[i] = engines.get(i).count(Counter.RECEIVED);
            }
            final long start = System.nanoTime();
            Thread.sleep(10_000);
            final double seconds = (System.nanoTime() - start) / 1e9;
            double sentRate = 0;
            double receivedRate = 0;
            int downs = 0;
            for (int i = 0; i < members; i++) {
                sentRate += (engines.get(i).count(Counter.SENT) - sent[i]) / seconds / members;
                receivedRate += (engines.get(i).count(Counter.RECEIVED) - received[i]) / seconds / members;
                downs += members - engines.get(i).members().size();
            }
            System.out.printf("%7d | %-9s | sent %6.1f/s | received %6.1f/s | members missing at the end: %d%n",
                    members, multicast ? "multicast" : "unicast", sentRate, receivedRate, downs);
        } finally {
            for (MembershipEngine engine : engines) {
                engine.close();
            }
        }
    }

    private static int size(HeartbeatCodec codec, int peers, boolean unicast) throws Exception {
        final List<InetSocketAddress> gossip = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            gossip.add(new InetSocketAddress(InetAddress.getByName("10.0.0." + (i + 2)), 45892));
        }
        final Heartbeat heartbeat = new Heartbeat(new NodeId("worker-host-01-3f9a2c1b", System.nanoTime()),
                1_700_000_000_000_000L, false, new Endpoint("10.0.0.1", 40123),
                unicast ? new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 45892) : null, gossip);
        final ByteBuffer buffer = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        codec.encode(heartbeat, buffer);
        return buffer.remaining();
    }
}
