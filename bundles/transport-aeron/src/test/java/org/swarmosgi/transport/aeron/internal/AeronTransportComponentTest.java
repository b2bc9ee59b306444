package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.node.LocalNode;

/**
 * The DS component outside a framework: it takes identity, addresses, work folder and key from
 * {@link LocalNode} and its tuning from the configuration, refuses bad values naming the key, and
 * leaves nothing behind when deactivated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronTransportComponentTest {
    private static final String CLUSTER = "component-" + ProcessHandle.current().pid();

    /** LocalNode as the node bundle documents it (keys by HKDF-SHA256 from the secret). */
    private record TestLocalNode(NodeId id, String secret, Path workDirectory) implements LocalNode {
        @Override
        public String clusterName() {
            return CLUSTER;
        }

        @Override
        public String autocluster() {
            return "none";
        }

        @Override
        public String bindAddress() {
            return "127.0.0.1";
        }

        @Override
        public String advertiseAddress() {
            return "127.0.0.1";
        }

        @Override
        public byte[] deriveKey(String purpose) {
            assertThat(purpose).isEqualTo("transport");
            return TestNodes.key(CLUSTER, secret);
        }

        @Override
        public boolean usesDefaultSecret() {
            return false;
        }
    }

    private static LocalNode node(String name, String secret) throws Exception {
        final Path work = Files.createDirectories(TestNodes.NODES_DIR.resolve(name + "-" + UUID.randomUUID()));
        return new TestLocalNode(new NodeId(name, ThreadLocalRandom.current().nextLong()), secret, work);
    }

    /** A configuration as ConfigAdmin would give it: the annotation's defaults, overridden by {@code values}. */
    private static TransportConfig config(Map<String, Object> values) {
        return (TransportConfig) Proxy.newProxyInstance(TransportConfig.class.getClassLoader(),
            new Class<?>[] {TransportConfig.class}, (proxy, method, args) -> {
                if (method.getName().equals("annotationType")) {
                    return TransportConfig.class;
                }
                return values.getOrDefault(method.getName(), method.getDefaultValue());
            });
    }

    @Test
    void activatesFromTheNodeTalksToItsClusterAndCleansUp() throws Exception {
        final LocalNode n1 = node("component-1", "secret");
        final LocalNode n2 = node("component-2", "secret");
        final AeronTransportComponent c1 = new AeronTransportComponent(n1, config(Map.of()));
        final AeronTransportComponent c2 = new AeronTransportComponent(n2, config(Map.of("term_length", 1 << 20)));
        try {
            assertThat(c1.localEndpoint().host()).isEqualTo("127.0.0.1");
            assertThat(c1.localEndpoint().port()).isPositive();
            assertThat(Files.isDirectory(n1.workDirectory().resolve("aeron"))).isTrue();
            assertThat(c1.maxPayload()).isEqualTo(64 * 1024 * 1024);
            c2.handle(TestNodes.ECHO, ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
            final ByteBuffer reply = c1.request(c2.localEndpoint(), TestNodes.ECHO, ByteBuffer.allocate(8).putLong(0, 5),
                Duration.ofSeconds(5)).toCompletableFuture().join();
            assertThat(reply.getLong(0)).isEqualTo(5);
        } finally {
            c1.deactivate();
            c2.deactivate();
        }
        assertThat(Files.exists(n1.workDirectory().resolve("aeron"))).isFalse();
        assertThat(Files.exists(n2.workDirectory().resolve("aeron"))).isFalse();
    }

    @Test
    void aNodeWithAnotherSecretIsNotHeard() throws Exception {
        final AeronTransportComponent ours = new AeronTransportComponent(node("component-ours", "secret"), config(Map.of()));
        final AeronTransportComponent theirs =
            new AeronTransportComponent(node("component-theirs", "another secret"), config(Map.of()));
        try {
            ours.handle(TestNodes.ECHO, ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
            assertThatThrownBy(() -> theirs.request(ours.localEndpoint(), TestNodes.ECHO, ByteBuffer.allocate(8),
                Duration.ofMillis(500)).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(SwarmTimeoutException.class);
        } finally {
            ours.deactivate();
            theirs.deactivate();
        }
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() throws Exception {
        final LocalNode n = node("component-bad", "secret");
        assertThatThrownBy(() -> new AeronTransportComponent(n, config(Map.of("term_length", 3_000_000))))
            .hasMessageContaining("org.swarmosgi.transport.aeron").hasMessageContaining("term.length");
        assertThatThrownBy(() -> new AeronTransportComponent(n, config(Map.of("call_timeout_ms", 0L))))
            .hasMessageContaining("call.timeout.ms");
        assertThatThrownBy(() -> new AeronTransportComponent(n, config(Map.of("idle_max_park_us", 0L))))
            .hasMessageContaining("idle.max.park.us");
        assertThatThrownBy(() -> new AeronTransportComponent(n, config(Map.of("port", 70_000))))
            .hasMessageContaining("port");
        assertThat(Files.exists(n.workDirectory().resolve("aeron"))).isFalse();
    }
}
