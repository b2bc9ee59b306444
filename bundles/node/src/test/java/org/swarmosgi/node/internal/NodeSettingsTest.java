package org.swarmosgi.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
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
    void rolesAreACheckedCommaList() {
        assertThat(settings(Map.of()).roles()).isEmpty();
        assertThat(settings(Map.of("roles", " gpu, edge ,gpu")).roles()).containsExactly("edge", "gpu");
        assertThatThrownBy(() -> settings(Map.of("roles", "gpu,,edge")))
                .hasMessageContaining("roles has an empty role");
        assertThatThrownBy(() -> settings(Map.of("roles", "gpu node")))
                .hasMessageContaining("roles each role must be 1 to 64 letters")
                .hasMessageContaining("'gpu node'");
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
    void shortSecretsAreRefused() {
        assertThatThrownBy(() -> settings(Map.of("cluster.secret", "short")))
                .hasMessageContaining("cluster.secret must be at least 16");
    }

    /** A secret file with the given content and mode, e.g. "rw-------". */
    private Path secretFile(String name, String content, String mode) throws Exception {
        final Path file = tmp.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static void assumePosix(Path dir) throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(dir).supportsFileAttributeView("posix"),
                "the temporary folder's file system has POSIX permissions");
    }

    @Test
    void secretFromFile() throws Exception {
        assumePosix(tmp);
        final Path file = secretFile("secret", "a-secret-from-a-mounted-file\n", "rw-------");
        final NodeSettings s = settings(Map.of("cluster.secret.file", file.toString()));
        assertThat(new String(s.secret(), StandardCharsets.UTF_8)).isEqualTo("a-secret-from-a-mounted-file");
        assertThat(s.defaultSecret()).isFalse();
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", file.toString(), "cluster.secret", "x".repeat(20))))
                .hasMessageContaining("cluster.secret.file");
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", tmp.resolve("missing").toString())))
                .hasMessageContaining("cannot read");
    }

    @Test
    void aSecretFileOpenToGroupOrOthersIsRefusedLikeAnSshKey() throws Exception {
        assumePosix(tmp);
        final String secret = "a-secret-from-a-mounted-file";
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "r--r--r--")) {
            final Path file = notOwnedByRoot(secretFile("open-" + mode, secret, mode));
            assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", file.toString())))
                    .as(mode).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("org.swarmosgi.node: cluster.secret.file ")
                    .hasMessageContaining("has mode 0" + Integer.toOctalString(modeBits(mode)))
                    .hasMessageContaining("chmod 600 " + file)
                    .message().doesNotContain(secret);
        }
    }

    /** The file, owned by a user other than root: as root, the tests give it to uid 4242. */
    private static Path notOwnedByRoot(Path file) throws Exception {
        if (Integer.valueOf(0).equals(Files.getAttribute(file, "unix:uid"))) {
            Files.setAttribute(file, "unix:uid", 4242);
        }
        return file;
    }

    /**
     * A Kubernetes Secret volume in a pod with fsGroup (the only way a non-root pod reads a Secret
     * file) holds root-owned files of mode defaultMode | 0440: the node must take them, and only them.
     */
    @Test
    void aRootOwnedSecretFileMayBeReadableByItsGroupAsAKubernetesSecretVolumeMakesIt() throws Exception {
        assumePosix(tmp);
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(tmp, "unix:uid")),
                "only root makes root-owned files (CI runs as root)");
        final String secret = "a-secret-from-a-mounted-file";
        for (String mode : List.of("r--r-----", "rw-r-----", "r--------")) {
            final Path file = secretFile("root-" + mode, secret, mode);
            assertThat(new String(settings(Map.of("cluster.secret.file", file.toString())).secret(),
                    StandardCharsets.UTF_8)).as(mode).isEqualTo(secret);
        }
        for (String mode : List.of("r--r--r--", "r--rw----", "r--r-x---", "r-----r--")) {
            final Path file = secretFile("root-open-" + mode, secret, mode);
            assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", file.toString())))
                    .as(mode).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("org.swarmosgi.node: cluster.secret.file ")
                    .hasMessageContaining("has mode 0" + Integer.toOctalString(modeBits(mode)))
                    .hasMessageContaining("open to others, or its group may write or execute it")
                    .message().doesNotContain(secret);
        }
        // The same group-readable file owned by the node's user (not root) stays refused.
        final Path mine = notOwnedByRoot(secretFile("user-r--r-----", secret, "r--r-----"));
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", mine.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("open to group or others");
    }

    private static int modeBits(String mode) {
        int bits = 0;
        for (int i = 0; i < 9; i++) {
            bits = bits << 1 | (mode.charAt(i) == '-' ? 0 : 1);
        }
        return bits;
    }

    @Test
    void aPrivateSecretFileIsAccepted() throws Exception {
        assumePosix(tmp);
        for (String mode : List.of("rw-------", "r--------")) {
            final Path file = secretFile("private-" + mode, "a-secret-from-a-mounted-file", mode);
            assertThat(new String(settings(Map.of("cluster.secret.file", file.toString())).secret(),
                    StandardCharsets.UTF_8)).as(mode).isEqualTo("a-secret-from-a-mounted-file");
        }
    }

    @Test
    void aSecretFileOverTheCapIsRefused() throws Exception {
        assumePosix(tmp);
        final String atCap = "s".repeat(NodeSettings.MAX_SECRET_FILE_BYTES);
        assertThat(settings(Map.of("cluster.secret.file", secretFile("at-cap", atCap, "rw-------").toString()))
                .secret()).hasSize(NodeSettings.MAX_SECRET_FILE_BYTES);
        final Path over = secretFile("over-cap", atCap + "s", "rw-------");
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", over.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("org.swarmosgi.node: cluster.secret.file ")
                .hasMessageContaining("cap of 4096 bytes")
                .message().doesNotContain("ssssssssssssssss");
    }

    @Test
    void noRefusalAndNoToStringContainsTheSecret() throws Exception {
        assumePosix(tmp);
        final String secret = "do-not-print-this-secret-0123456789";
        final List<Map<String, String>> refused = List.of(
                Map.of("cluster.secret", "short-" + "x".repeat(3)),
                Map.of("cluster.secret", secret, "cluster.secret.file", secretFile("both", secret, "rw-------").toString()),
                Map.of("cluster.secret.file", secretFile("world", secret, "rw-r--r--").toString()),
                Map.of("cluster.secret.file", secretFile("big", secret.repeat(200), "rw-------").toString()),
                Map.of("cluster.secret.file", secretFile("short", "short-xxx", "rw-------").toString()),
                Map.of("cluster.secret", secret, "bind.address", "bogus"));
        for (Map<String, String> config : refused) {
            assertThatThrownBy(() -> settings(config)).as(config.keySet().toString())
                    .isInstanceOf(ConfigException.class)
                    .message().doesNotContain(secret).doesNotContain("short-xxx");
        }
        final Path notUtf8 = tmp.resolve("latin1");
        Files.write(notUtf8, new byte[] {'z', 'q', 'x', (byte) 0xE9, 'z', 'q', 'x', '-', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'});
        Files.setPosixFilePermissions(notUtf8, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", notUtf8.toString())))
                .hasMessageContaining("cluster.secret.file").hasMessageContaining("not UTF-8")
                .message().doesNotContain("zqx");

        final NodeSettings inline = settings(Map.of("cluster.secret", secret));
        final NodeSettings fromFile = settings(Map.of("cluster.secret.file", secretFile("ok", secret, "rw-------").toString()));
        for (NodeSettings s : List.of(inline, fromFile, settings(Map.of()))) {
            assertThat(s.toString()).contains("redacted").doesNotContain(secret)
                    .doesNotContain(NodeSettings.DEVELOPMENT_SECRET);
            assertThat(new NodeIdentity(s).toString()).doesNotContain(secret)
                    .doesNotContain(NodeSettings.DEVELOPMENT_SECRET);
        }
    }

    @Test
    void theDevelopmentSecretGivenLiterallyIsTheDevelopmentSecret() throws Exception {
        assertThat(settings(Map.of("cluster.secret", NodeSettings.DEVELOPMENT_SECRET)).defaultSecret()).isTrue();
        assumePosix(tmp);
        final Path file = secretFile("dev", NodeSettings.DEVELOPMENT_SECRET + "\n", "rw-------");
        assertThat(settings(Map.of("cluster.secret.file", file.toString())).defaultSecret()).isTrue();
        assertThat(settings(Map.of("cluster.secret", NodeSettings.DEVELOPMENT_SECRET + "!")).defaultSecret()).isFalse();
    }

    @Test
    void aShortSecretInAFileIsRefusedByTheFilesKey() throws Exception {
        assumePosix(tmp);
        final Path file = secretFile("short", "too-short", "rw-------");
        assertThatThrownBy(() -> settings(Map.of("cluster.secret.file", file.toString())))
                .hasMessageContaining("cluster.secret.file must be at least 16");
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
