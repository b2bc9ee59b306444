package org.swarmosgi.membership.multicast.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.node.internal.StandaloneNode;

/** The development secret keeps multicast membership on loopback: an if_addr off it is refused at activation. */
class MulticastDevelopmentSecretTest {

    /** The real LocalNode, as a node without cluster.secret has it. */
    private static final LocalNode DEV = StandaloneNode.withDevelopmentSecret("dev", "dev-secret-test", "multicast",
            Path.of(System.getProperty("java.io.tmpdir")));

    private static MulticastSettings settings(String ifAddr) throws Exception {
        final TestConfig config = new TestConfig();
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            config.port = probe.getLocalPort();
        }
        config.ifAddr = ifAddr;
        return MulticastSettings.from(config);
    }

    @Test
    void anIfAddrOffLoopbackIsRefusedNamingTheKey() throws Exception {
        final List<String> offLoopback = new ArrayList<>(List.of("0.0.0.0"));
        // The host's own network addresses too, where it has any (MulticastSettings accepts only those).
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (nif.isUp() && a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    offLoopback.add(a.getHostAddress());
                }
            }
        }
        for (String ifAddr : offLoopback) {
            final MulticastSettings settings = settings(ifAddr);
            assertThatThrownBy(() -> new MulticastMembership(settings, DEV, new Endpoint("127.0.0.1", 7001)).deactivate())
                    .as(ifAddr).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("if_addr: " + ifAddr + " is off loopback, and the cluster secret is "
                            + "the built-in development secret: set cluster.secret");
        }
    }

    @Test
    void aLoopbackIfAddrActivatesWithTheDevelopmentSecret() throws Exception {
        new MulticastMembership(settings("127.0.0.1"), DEV, new Endpoint("127.0.0.1", 7001)).deactivate();
    }
}
