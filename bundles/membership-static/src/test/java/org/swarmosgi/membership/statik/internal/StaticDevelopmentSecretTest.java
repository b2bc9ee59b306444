package org.swarmosgi.membership.statik.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.node.internal.StandaloneNode;

/** The development secret keeps static membership on loopback: a seed off it is refused at activation. */
class StaticDevelopmentSecretTest {

    /** The real LocalNode, as a node without cluster.secret has it. */
    private static final LocalNode DEV = StandaloneNode.withDevelopmentSecret("dev", "dev-secret-test", "static",
            Path.of(System.getProperty("java.io.tmpdir")));

    private static StaticMembership activate(String... seeds) throws Exception {
        final TestConfig config = new TestConfig();
        config.port = 0;
        config.seeds = seeds;
        return new StaticMembership(StaticSettings.from(config, DEV), DEV, new Endpoint("127.0.0.1", 7001));
    }

    @Test
    void aSeedOffLoopbackIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> activate("127.0.0.1:45001", "10.0.0.5:45892").deactivate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("seeds: 10.0.0.5 is off loopback, and the cluster secret is the built-in "
                        + "development secret: set cluster.secret");
        assertThatThrownBy(() -> activate("[2001:db8::1]:45892").deactivate())
                .hasMessageStartingWith("seeds: 2001:db8:0:0:0:0:0:1 is off loopback");
    }

    @Test
    void aSeedGivenByAHostNameIsJudgedByItsAddress() throws Exception {
        final InetAddress host = InetAddress.getLocalHost();
        Assumptions.assumeFalse(host.isLoopbackAddress(), "this host's name resolves off loopback");
        assertThatThrownBy(() -> activate(host.getHostName() + ":45892").deactivate())
                .hasMessageStartingWith("seeds: " + host.getHostAddress() + " is off loopback");
    }

    @Test
    void loopbackSeedsActivateWithTheDevelopmentSecret() throws Exception {
        activate("127.0.0.1:45001", "localhost:45002", "[::1]:45003").deactivate();
    }
}
