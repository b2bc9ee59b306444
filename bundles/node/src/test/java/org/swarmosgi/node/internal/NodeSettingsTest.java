package org.swarmosgi.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {

    @TempDir
    Path tmp;

    private final NodeSettings.Environment env = new NodeSettings.Environment() {
        @Override public String hostName() { return "box"; }
        @Override public String firstNonLoopbackAddress() { return "192.0.2.7"; }
    };

    private NodeSettings settings(Map<String, String> values) {
        return NodeSettings.from(TestConfigs.node(values), tmp.resolve("work"), env);
    }

    @Test
    void defaultsNeedNoSetupAndStayOnLoopback() {
        final NodeSettings s = settings(Map.of());
        assertThat(s.name()).matches("box-[0-9a-f]{6}");
        assertThat(s.clusterName()).isEqualTo("swarm");
        assertThat(s.autocluster()).isEqualTo("multicast");
        assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.advertiseAddress()).isEqualTo("127.0.0.1");
        assertThat(s.defaultSecret()).isTrue();
        assertThat(s.workDirectory()).isDirectory();
    }

    @Test
    void emptyMeansDefault() {
        final NodeSettings s = settings(Map.of("name", "", "cluster.name", " ", "autocluster", "",
                "bind.address", "", "advertise.address", "", "work.dir", "", "cluster.secret", ""));
        assertThat(s.clusterName()).isEqualTo("swarm");
        assertThat(s.autocluster()).isEqualTo("multicast");
        assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.defaultSecret()).isTrue();
    }

    @Test
    void twoDefaultNodesGetDifferentNames() {
        assertThat(settings(Map.of()).name()).isNotEqualTo(settings(Map.of()).name());
    }

    @Test
    void wildcardBindAdvertisesAHostAddressOrTheConfiguredOne() {
        final String secret = "0123456789abcdef-secret";
        assertThat(settings(Map.of("bind.address", "0.0.0.0", "cluster.secret", secret)).advertiseAddress())
                .isEqualTo("192.0.2.7");
        assertThat(settings(Map.of("bind.address", "0.0.0.0", "cluster.secret", secret,
                "advertise.address", "198.51.100.1")).advertiseAddress()).isEqualTo("198.51.100.1");
    }

    @Test
    void theDevelopmentSecretIsRefusedOffLoopback() {
        assertThatThrownBy(() -> settings(Map.of("bind.address", "0.0.0.0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.secret must be set");
    }

    @Test
    void shortSecretsAreRefused() {
        assertThatThrownBy(() -> settings(Map.of("cluster.secret", "short")))
                .hasMessageContaining("cluster.secret must be at least 16");
    }

    @Test
    void secretFromFile() throws Exception {
        final Path file = tmp.resolve("secret");
        Files.writeString(file, "a-secret-from-a-mounted-file\n", StandardCharsets.UTF_8);
        final NodeSettings s = settings(Map.of("cluster.secret.file", file.toString()));
        assertThat(new String(s.secret(), StandardCharsets.UTF_8)).isEqualTo("a-secret-from-a-mounted-file");
        assertThat(s.defaultSecret()).isFalse();
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", file.toString(), "cluster.secret", "x".repeat(20))))
                .hasMessageContaining("cluster.secret.file");
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", tmp.resolve("missing").toString())))
                .hasMessageContaining("cannot read");
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertThatThrownBy(() -> settings(Map.of("autocluster", "gossip"))).hasMessageContaining("autocluster must be one of");
        assertThatThrownBy(() -> settings(Map.of("cluster.name", "my cluster"))).hasMessageContaining("cluster.name");
        assertThatThrownBy(() -> settings(Map.of("bind.address", "localhost"))).hasMessageContaining("bind.address");
        assertThatThrownBy(() -> settings(Map.of("bind.address", "300.1.1.1"))).hasMessageContaining("bind.address");
        assertThatThrownBy(() -> settings(Map.of("advertise.address", "0.0.0.0"))).hasMessageContaining("advertise.address");
        assertThatThrownBy(() -> settings(Map.of("name", "bad\nname"))).hasMessageContaining("name");
        assertThatThrownBy(() -> settings(Map.of("name", "x".repeat(300)))).hasMessageContaining("name");
    }

    @Test
    void acceptsEveryStrategyAndIpv6() {
        for (String s : NodeSettings.STRATEGIES) {
            assertThat(settings(Map.of("autocluster", s.toUpperCase())).autocluster()).isEqualTo(s);
        }
        assertThat(settings(Map.of("bind.address", "::1")).bindAddress()).isEqualTo("::1");
    }
}
