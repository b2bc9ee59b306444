package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.test.support.Processes;

/**
 * A million hostile datagrams at one node's membership port: random bytes, well-formed heartbeats
 * under another secret, heartbeats of another cluster and replays of a real member's heartbeat, from
 * many source ports. The flooded node is an engine in this JVM (its counters and heap are read here);
 * its two peers are child JVMs. No member may be seen down, the heap must stay flat, and every
 * datagram the engine read must be accounted for by exactly one counter.
 */
class FloodTest {

    private static final int DATAGRAMS = 1_000_000;
    /** Paced so one sender thread and the engine share 2 loaded cores: about 15 s for the million. */
    private static final long RATE_PER_SECOND = 70_000;
    private static final int SOURCES = 16;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static long heapAfterGc() {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void aMillionForgedDatagramsWithin30s_noFalseDown_heapFlat_everyDatagramCountedOnce() throws Exception {
        final String cluster = TestNetwork.clusterName("flood");
        final byte[] key = TestNode.hkdf(cluster, "secret", "membership");
        final MembershipEngine flooded = MembershipEngine.start(new EngineConfig(cluster,
                new NodeId("flooded", TestNetwork.incarnation()), new Endpoint("127.0.0.1", 7000), key, Timing.DEFAULTS),
                new Delivery.Unicast(new InetSocketAddress(LOOPBACK, 0), LOOPBACK, true), AdmissionFilter.ANY);
        open.add(flooded);
        final List<String> downs = new CopyOnWriteArrayList<>();
        flooded.subscribe(new MembershipListener() {
            @Override
            public void memberUp(Member member) {
            }

            @Override
            public void memberDown(Member member, DownReason reason) {
                downs.add(member.id() + " " + reason);
            }
        });
        final DatagramChannel tap = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
        open.add(tap);
        tap.socket().setSoTimeout(10_000);
        final String target = "127.0.0.1:" + flooded.localAddress().getPort();
        final String tapAddress = "127.0.0.1:" + ((InetSocketAddress) tap.getLocalAddress()).getPort();
        final Processes processes = new Processes();
        open.add(processes);
        final NodeProcess n1 = NodeProcess.start(processes, "n1", "cluster=" + cluster, "mode=unicast", "port=0",
                "seeds=" + target + "," + tapAddress);
        final NodeProcess n2 = NodeProcess.start(processes, "n2", "cluster=" + cluster, "mode=unicast", "port=0",
                "seeds=" + target);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(names(flooded)).containsExactly("flooded", "n1", "n2");
            assertThat(n1.upNames()).containsExactly("flooded", "n2");
            assertThat(n2.upNames()).containsExactly("flooded", "n1");
        });

        // A real, authentic heartbeat of n1, captured on the wire: every resend of it is a replay.
        final DatagramPacket captured = new DatagramPacket(new byte[HeartbeatCodec.MAX_SIZE], HeartbeatCodec.MAX_SIZE);
        tap.socket().receive(captured);
        final byte[] replay = Arrays.copyOf(captured.getData(), captured.getLength());
        final byte[][] payloads = payloads(cluster, key, replay);

        final List<DatagramChannel> senders = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            final DatagramChannel sender = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
            open.add(sender);
            senders.add(sender);
        }
        final java.util.logging.Logger engineLog = java.util.logging.Logger.getLogger(MembershipEngine.class.getName());
        final List<String> logLines = new CopyOnWriteArrayList<>();
        final java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logLines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        engineLog.addHandler(capture);
        open.add(() -> engineLog.removeHandler(capture));
        final long heapBefore = heapAfterGc();
        final long receivedBefore = flooded.count(Counter.RECEIVED);
        final InetSocketAddress to = flooded.localAddress();
        final ByteBuffer buffer = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE + 64);
        final long start = System.nanoTime();
        long sendFailures = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
            buffer.clear();
            buffer.put(payloads[i % payloads.length]).flip();
            if (senders.get(i % SOURCES).send(buffer, to) == 0) {
                sendFailures++;
            }
            if (i % 1_000 == 999) {
                // Pacing of the load generator (not a wait for a condition): stay on the schedule.
                final long ahead = start + (i + 1) * 1_000_000_000L / RATE_PER_SECOND - System.nanoTime();
                if (ahead > 0) {
                    LockSupport.parkNanos(ahead);
                }
            }
        }
        final long floodNanos = System.nanoTime() - start;
        assertThat(floodNanos).as("flood duration").isLessThan(TimeUnit.SECONDS.toNanos(30));

        // Every datagram read was accepted or refused for exactly one reason.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long refused = 0;
            for (Counter c : Counter.values()) {
                if (c.name().startsWith("REFUSED_")) {
                    refused += flooded.count(c);
                }
            }
            assertThat(flooded.count(Counter.ACCEPTED) + refused).isEqualTo(flooded.count(Counter.RECEIVED));
        });
        final long judged = flooded.count(Counter.RECEIVED) - receivedBefore;
        final long heapAfter = heapAfterGc();
        final StringBuilder figures = new StringBuilder("FLOOD sent=" + DATAGRAMS + " sendFailures=" + sendFailures
                + " in " + TimeUnit.NANOSECONDS.toMillis(floodNanos) + " ms ("
                + DATAGRAMS * 1_000_000_000L / floodNanos + "/s); engine read " + judged
                + "; heap after GC " + heapBefore / 1024 + " KiB -> " + heapAfter / 1024 + " KiB; log lines "
                + logLines.size() + ";");
        for (Counter c : Counter.values()) {
            figures.append(' ').append(c).append('=').append(flooded.count(c));
        }
        System.out.println(figures);

        assertThat(flooded.count(Counter.REFUSED_MALFORMED)).isGreaterThan(1_000);
        assertThat(flooded.count(Counter.REFUSED_BAD_MAC)).isGreaterThan(1_000);
        assertThat(flooded.count(Counter.REFUSED_FOREIGN_CLUSTER)).isGreaterThan(1_000);
        assertThat(flooded.count(Counter.REFUSED_VERSION)).isGreaterThan(1_000);
        assertThat(flooded.count(Counter.REFUSED_REPLAY)).isGreaterThan(1_000);
        // The kernel may drop what the engine cannot read in time; most must still be judged.
        assertThat(judged).as("datagrams the engine judged").isGreaterThan(DATAGRAMS / 4);
        assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(8L << 20);
        // Rate-limited: one line per source and reason (16 x 4 logged reasons), not one per datagram.
        assertThat(logLines).hasSizeLessThanOrEqualTo(SOURCES * 4 + 2);

        // The cluster carried on: still all up, and nobody saw a down.
        final long accepted = flooded.count(Counter.ACCEPTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> flooded.count(Counter.ACCEPTED) >= accepted + 20);
        assertThat(names(flooded)).containsExactly("flooded", "n1", "n2");
        assertThat(n1.upNames()).containsExactly("flooded", "n2");
        assertThat(n2.upNames()).containsExactly("flooded", "n1");
        assertThat(downs).isEmpty();
        assertThat(n1.events()).noneMatch(e -> e.startsWith("DOWN "));
        assertThat(n2.events()).noneMatch(e -> e.startsWith("DOWN "));
    }

    private static Set<String> names(MembershipEngine engine) {
        final Set<String> names = new TreeSet<>();
        engine.members().forEach(m -> names.add(m.id().name()));
        return names;
    }

    /**
     * Random bytes (most refused for length or magic), heartbeats under another secret (refused by
     * MAC), of another cluster (refused before the MAC), of an unknown version, and the replay.
     */
    private static byte[][] payloads(String cluster, byte[] key, byte[] replay) {
        final Random random = new Random(42);
        final byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        final HeartbeatCodec forger = new HeartbeatCodec(cluster, otherKey);
        final HeartbeatCodec foreign = new HeartbeatCodec(cluster + "-other", key);
        final List<byte[]> all = new ArrayList<>();
        final ByteBuffer out = ByteBuffer.allocate(HeartbeatCodec.MAX_SIZE);
        for (int i = 0; i < 64; i++) {
            final byte[] noise = new byte[1 + random.nextInt(HeartbeatCodec.MAX_SIZE + 60)]; // some oversized
            random.nextBytes(noise);
            all.add(noise);
            final Heartbeat forged = new Heartbeat(new NodeId("forged-" + random.nextInt(), random.nextLong()),
                    random.nextLong(), random.nextBoolean(), new Endpoint("10.0.0." + i, 7000), null, List.of());
            forger.encode(forged, out);
            all.add(Arrays.copyOf(out.array(), out.limit()));
            foreign.encode(forged, out);
            all.add(Arrays.copyOf(out.array(), out.limit()));
            final byte[] future = replay.clone();
            future[2] = 2; // a version this engine does not speak
            all.add(future);
            all.add(replay);
        }
        return all.toArray(byte[][]::new);
    }
}
