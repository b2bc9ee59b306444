package org.swarmosgi.membership.kubernetes.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;

/**
 * A test CA, an HTTPS pods API server with a certificate from it, and a service account mount
 * (token, ca.crt, namespace) in a temporary folder, as a pod sees them.
 */
final class ApiFixture implements AutoCloseable {

    final Path mount;
    final TestPki.Authority ca;
    final PodsApiServer server;

    ApiFixture(Path dir) throws IOException, GeneralSecurityException {
        mount = Files.createDirectories(dir.resolve("serviceaccount"));
        ca = TestPki.newAuthority("kubernetes");
        ca.writePem(mount.resolve("ca.crt"));
        Files.writeString(mount.resolve("namespace"), "swarm");
        server = new PodsApiServer(ca.serverContext(TestPki.loopbackNames()));
        writeToken("token-1");
        server.token("token-1");
    }

    /** Replaces the token file the way the kubelet does: a new file moved over the old one. */
    void writeToken(String token) throws IOException {
        final Path next = Files.writeString(mount.resolve("token.next"), token + "\n");
        Files.move(next, mount.resolve("token"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Settings for this server and mount; {@code overrides} as configuration keys. */
    KubernetesSettings settings(Map<String, ?> overrides) {
        final Map<String, Object> config = new HashMap<>();
        config.put("namespace_path", mount.resolve("namespace").toString());
        config.put("token_path", mount.resolve("token").toString());
        config.put("ca_path", mount.resolve("ca.crt").toString());
        config.put("poll_interval_ms", 100);
        config.put("request_timeout_ms", 2_000);
        config.putAll(overrides);
        return KubernetesSettings.resolve(TestConfig.of(config),
                Map.of(KubernetesSettings.ENV_HOST, "127.0.0.1",
                        KubernetesSettings.ENV_PORT, Integer.toString(server.port())));
    }

    @Override
    public void close() {
        server.close();
    }
}
