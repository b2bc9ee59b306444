package org.swarmosgi.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @TempDir
    Path tmp;

    private final NodeSettings.Environment env = new NodeSettings.Environment() {
        @Override public String hostName() { return "box"; }
        @Override public String firstNonLoopbackAddress() { return "192.0.2.7"; }
    };

    private NodeIdentity node(Map<String, String> values) {
        return new NodeIdentity(NodeSettings.from(TestConfigs.node(values), tmp, env));
    }

    @Test
    void aRestartAfterTheClockSteppedBackStillTakesAHigherIncarnation() throws Exception {
        final long first = node(Map.of("name", "n1")).id().incarnation();
        assertThat(node(Map.of("name", "n1")).id().incarnation()).isGreaterThan(first);
        // The last run started a day "later" than this clock says now: peers would refuse a lower incarnation.
        final long aheadOfTheClock = (System.currentTimeMillis() + 86_400_000L) << 16;
        Files.writeString(tmp.resolve(IncarnationFloor.FILE), Long.toString(aheadOfTheClock));
        final long restarted = node(Map.of("name", "n1")).id().incarnation();
        assertThat(restarted).isGreaterThan(aheadOfTheClock);
        assertThat(node(Map.of("name", "n1")).id().incarnation()).isGreaterThan(restarted);
    }

    @Test
    void anUnreadableIncarnationFileIsIgnored() throws Exception {
        Files.writeString(tmp.resolve(IncarnationFloor.FILE), "not a number");
        final long now = System.currentTimeMillis() << 16;
        assertThat(node(Map.of()).id().incarnation()).isGreaterThanOrEqualTo(now);
        assertThat(Long.parseLong(Files.readString(tmp.resolve(IncarnationFloor.FILE)))).isGreaterThanOrEqualTo(now);
    }

    @Test
    void theDevelopmentSecretIsRefusedForAWildcardOrNetworkBindAddress() {
        for (String bind : List.of("0.0.0.0", "192.0.2.7", "::")) {
            assertThatThrownBy(() -> node(Map.of("bind.address", bind))).as(bind)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("org.swarmosgi.node: bind.address: ")
                    .hasMessageContaining("is off loopback, and the cluster secret is the built-in development secret")
                    .hasMessageContaining("set cluster.secret");
        }
    }

    @Test
    void theDevelopmentSecretIsRefusedForAnAdvertiseAddressOffLoopback() {
        // Bound to loopback but advertised on a network (a NAT or a proxy forwards to it): peers there reach it.
        assertThatThrownBy(() -> node(Map.of("advertise.address", "198.51.100.1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("org.swarmosgi.node: advertise.address: 198.51.100.1 is off loopback");
        assertThat(node(Map.of("advertise.address", "198.51.100.1", "cluster.secret", "a-shared-cluster-secret"))
                .advertiseAddress()).isEqualTo("198.51.100.1");
        assertThat(node(Map.of("advertise.address", "127.0.0.2")).advertiseAddress()).isEqualTo("127.0.0.2");
    }

    @Test
    void theDevelopmentSecretGivenLiterallyIsRefusedOffLoopbackToo() {
        final NodeIdentity literal = node(Map.of("cluster.secret", NodeSettings.DEVELOPMENT_SECRET));
        assertThat(literal.usesDefaultSecret()).isTrue();
        assertThat(literal.deriveKey("membership")).isEqualTo(node(Map.of()).deriveKey("membership"));
        assertThatThrownBy(() -> node(Map.of("cluster.secret", NodeSettings.DEVELOPMENT_SECRET, "bind.address", "0.0.0.0")))
                .hasMessageStartingWith("org.swarmosgi.node: bind.address: 0.0.0.0 is off loopback");
    }

    @Test
    void requireSecretForKeepsTheDevelopmentSecretOnLoopback() throws Exception {
        final NodeIdentity dev = node(Map.of());
        for (String loopback : List.of("127.0.0.1", "127.0.0.2", "::1")) {
            dev.requireSecretFor("seeds", InetAddress.getByName(loopback));
        }
        for (String off : List.of("10.0.0.5", "0.0.0.0", "::", "192.0.2.1", "2001:db8::1")) {
            assertThatThrownBy(() -> dev.requireSecretFor("seeds", InetAddress.getByName(off))).as(off)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("seeds: " + InetAddress.getByName(off).getHostAddress() + " is off loopback")
                    .hasMessageContaining("set cluster.secret");
        }
        final NodeIdentity secret = node(Map.of("cluster.secret", "a-shared-cluster-secret"));
        assertThat(secret.usesDefaultSecret()).isFalse();
        for (String any : List.of("10.0.0.5", "0.0.0.0", "127.0.0.1")) {
            secret.requireSecretFor("seeds", InetAddress.getByName(any));
        }
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        final HexFormat hex = HexFormat.of();
        final byte[] okm = Hkdf.derive(hex.parseHex("000102030405060708090a0b0c"),
                hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"));
        // The first 32 bytes of the RFC's 42-byte OKM.
        assertThat(hex.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
    }

    @Test
    void keysDependOnPurposeClusterAndSecretOnly() {
        final String secret = "a-shared-cluster-secret";
        final NodeIdentity a = node(Map.of("cluster.secret", secret, "name", "a"));
        final NodeIdentity b = node(Map.of("cluster.secret", secret, "name", "b"));
        assertThat(a.deriveKey("transport")).hasSize(32).isEqualTo(b.deriveKey("transport"));
        assertThat(a.deriveKey("transport")).isNotEqualTo(a.deriveKey("membership"));
        assertThat(node(Map.of("cluster.secret", secret, "cluster.name", "other")).deriveKey("transport"))
                .isNotEqualTo(a.deriveKey("transport"));
        assertThat(node(Map.of("cluster.secret", secret + "!")).deriveKey("transport"))
                .isNotEqualTo(a.deriveKey("transport"));
        assertThatThrownBy(() -> a.deriveKey("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyStartIsANewIncarnation() {
        final NodeIdentity first = node(Map.of("name", "n"));
        final NodeIdentity second = node(Map.of("name", "n"));
        assertThat(first.id().name()).isEqualTo(second.id().name());
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(second.id().incarnation() >>> 16).isGreaterThanOrEqualTo(first.id().incarnation() >>> 16);
    }
}
