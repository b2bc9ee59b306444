package org.swarmosgi.membership.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.swarmosgi.test.support.HeldPort;

/** Ports and cluster names no other test (or developer node on 45892) shares, and what the host can do. */
final class TestNetwork {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    static final String GROUP = "230.0.0.251";

    /**
     * Longest silence before a kill -9 is seen down at default timing, plus slack for a loaded
     * 2-core machine. Tests wait up to this; the benchmark measures the real figure.
     */
    static final Duration DETECTION_BOUND = Timing.DEFAULT_HEARTBEAT_INTERVAL
            .plus(Timing.DEFAULT_ACCEPTABLE_PAUSE)
            .plus(Timing.DEFAULT_MIN_STD_DEVIATION.multipliedBy(6))
            .plus(Duration.ofSeconds(3));

    private TestNetwork() {
    }

    /** Whether a datagram sent to the group on lo comes back to a member of the group on lo. */
    static boolean loopbackMulticastWorks() {
        try (HeldPort held = HeldPort.multicast(GROUP); Selector selector = Selector.open()) {
            final DatagramChannel channel = held.channel();
            final NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
            if (lo == null) {
                return false;
            }
            final InetAddress group = InetAddress.getByName(GROUP);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            channel.join(group, lo);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            channel.send(ByteBuffer.wrap(new byte[] {42}), new InetSocketAddress(group, held.port()));
            // A bounded wait on the socket itself: the datagram is there at once or multicast is off.
            selector.select(2_000);
            return channel.receive(ByteBuffer.allocate(8)) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A cluster name of this JVM and this call: heartbeats of any other run are foreign. */
    static String clusterName(String test) {
        return test + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    /** A real incarnation: start time in ms, shifted, and 16 random bits, so a restart is greater. */
    static long incarnation() {
        return System.currentTimeMillis() << 16 | java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16);
    }
}
