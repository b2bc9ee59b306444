package org.swarmosgi.membership.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Ports and cluster names no other test (or developer node on 45892) shares. */
final class TestNetwork {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

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

    /** A UDP port free on loopback right now (the kernel's pick), so parallel runs do not share one. */
    static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A cluster name of this JVM and this call: heartbeats of any other run are foreign. */
    static String clusterName(String test) {
        return test + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }
}
