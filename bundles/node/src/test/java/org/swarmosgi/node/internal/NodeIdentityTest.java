package org.swarmosgi.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @TempDir
    Path tmp;

    private NodeIdentity node(Map<String, String> values) {
        return new NodeIdentity(NodeSettings.from(TestConfigs.node(values), tmp, new NodeSettings.HostEnvironment()));
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
