package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.Transport;

/**
 * The DS component outside a framework: it takes identity, addresses, work folder and key from
 * {@link LocalNode} and its tuning from the configuration, refuses bad values naming the key, and
 * leaves nothing behind when deactivated.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AeronTransportComponentTest {
    private static final String CLUSTER = "component-" + ProcessHandle.current().pid();

    /** LocalNode as the node bundle documents it (keys by HKDF-SHA256 from the secret). */
    record TestLocalNode(NodeId id, String secret, Path workDirectory, String clusterName) implements LocalNode {
        TestLocalNode(NodeId id, String secret, Path workDirectory) {
            this(id, secret, workDirectory, CLUSTER);
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
            return TestNodes.key(clusterName, secret);
        }

        @Override
        public boolean usesDefaultSecret() {
            return false;
        }
    }

    private static LocalNode node(String name, String secret) throws Exception {
        final Path work = Files.createDirectories(TestNodes.NODES_DIR.resolve(name + "-" + UUID.randomUUID()));
        return new TestLocalNode(new NodeId(name, TestNodes.incarnation()), secret, work);
    }

    /** A configuration as ConfigAdmin would give it: the annotation's defaults, overridden by {@code values}. */
    static TransportConfig config(Map<String, Object> values) {
        return (TransportConfig) Proxy.newProxyInstance(TransportConfig.class.getClassLoader(),
            new Class<?>[] {TransportConfig.class}, (proxy, method, args) -> {
                if (method.getName().equals("annotationType")) {
                    return TransportConfig.class;
                }
                return values.getOrDefault(method.getName(), method.getDefaultValue());
            });
    }

    /** Stands in for the framework's service registry: what the component registered, and withdrew. */
    static final class Registry implements TransportSupervisor.Registrar {
        final List<Transport> registered = new CopyOnWriteArrayList<>();
        volatile Transport current;

        @Override
        public Runnable apply(Transport transport) {
            registered.add(transport);
            current = transport;
            return () -> current = null;
        }
    }

    private static AeronTransportComponent component(LocalNode node, Map<String, Object> config, Registry registry) {
        return new AeronTransportComponent(AeronTransportComponent.settings(node, config(config)), registry, 100);
    }

    @Test
    void activatesFromTheNodeTalksToItsClusterAndCleansUp() throws Exception {
        final LocalNode n1 = node("component-1", "secret");
        final LocalNode n2 = node("component-2", "secret");
        final Registry r1 = new Registry();
        final Registry r2 = new Registry();
        final AeronTransportComponent c1 = component(n1, Map.of(), r1);
        final AeronTransportComponent c2 = component(n2, Map.of("term_length", 1 << 20), r2);
        try {
            assertThat(r1.current).isSameAs(c1.engine());
            final AeronTransportEngine t1 = c1.engine();
            final AeronTransportEngine t2 = c2.engine();
            assertThat(t1.localEndpoint().host()).isEqualTo("127.0.0.1");
            assertThat(t1.localEndpoint().port()).isPositive();
            assertThat(t1.self().id()).isEqualTo(n1.id());
            assertThat(Files.isDirectory(n1.workDirectory().resolve("aeron"))).isTrue();
            assertThat(t1.maxPayload()).isEqualTo(64 * 1024 * 1024);
            t2.handle(TestNodes.ECHO, ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
            final ByteBuffer reply = t1.request(t2.self(), TestNodes.ECHO, ByteBuffer.allocate(8).putLong(0, 5),
                Duration.ofSeconds(5)).toCompletableFuture().join();
            assertThat(reply.getLong(0)).isEqualTo(5);
        } finally {
            c1.deactivate();
            c2.deactivate();
        }
        assertThat(r1.current).isNull();
        assertThat(Files.exists(n1.workDirectory().resolve("aeron"))).isFalse();
        assertThat(Files.exists(n2.workDirectory().resolve("aeron"))).isFalse();
    }

    @Test
    void aNodeWithAnotherSecretIsNotHeard() throws Exception {
        final AeronTransportComponent ours = component(node("component-ours", "secret"), Map.of(), new Registry());
        final AeronTransportComponent theirs = component(node("component-theirs", "another secret"), Map.of(),
            new Registry());
        try {
            final AtomicInteger handled = new AtomicInteger();
            final AeronTransportEngine us = ours.engine();
            us.handle(TestNodes.ECHO, ForkJoinPool.commonPool(), m -> {
                handled.incrementAndGet();
                m.reply(m.payload());
            });
            final long badMacBefore = us.stats().dropped(TransportStats.Drop.BAD_MAC);
            final CompletableFuture<ByteBuffer> call = theirs.engine().request(us.self(), TestNodes.ECHO,
                ByteBuffer.allocate(8), Duration.ofSeconds(2)).toCompletableFuture();
            // Refused for its MAC (the HELLO under another key), not merely unanswered.
            await().atMost(Duration.ofSeconds(10)).until(() -> us.stats().dropped(TransportStats.Drop.BAD_MAC) > badMacBefore);
            assertThatThrownBy(call::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(SwarmTimeoutException.class);
            assertThat(handled.get()).isZero();
            assertThat(us.stats().sessions()).isZero();
            assertThat(us.stats().delivered()).isZero();
        } finally {
            ours.deactivate();
            theirs.deactivate();
        }
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() throws Exception {
        final LocalNode n = node("component-bad", "secret");
        assertThatThrownBy(() -> component(n, Map.of("term_length", 3_000_000), new Registry()))
            .hasMessageContaining("org.swarmosgi.transport.aeron").hasMessageContaining("term.length");
        assertThatThrownBy(() -> component(n, Map.of("call_timeout_ms", 0L), new Registry()))
            .hasMessageContaining("call.timeout.ms");
        assertThatThrownBy(() -> component(n, Map.of("idle_max_park_us", 0L), new Registry()))
            .hasMessageContaining("idle.max.park.us");
        assertThatThrownBy(() -> component(n, Map.of("port", 70_000), new Registry()))
            .hasMessageContaining("port");
        assertThatThrownBy(() -> component(n, Map.of("stream_session_limit", 1), new Registry()))
            .hasMessageContaining("stream.session.limit");
        assertThatThrownBy(() -> component(n, Map.of("reassembly_max_bytes", 1024L), new Registry()))
            .hasMessageContaining("reassembly.max.bytes");
        assertThatThrownBy(() -> component(n, Map.of("transfer_timeout_ms", 0L), new Registry()))
            .hasMessageContaining("transfer.timeout.ms");
        assertThat(Files.exists(n.workDirectory().resolve("aeron"))).isFalse();
    }

    @Test
    void anExceptionOnTheDutyCycleIsCountedAndTheTransportCarriesOn() throws Exception {
        final Registry registry = new Registry();
        final AeronTransportComponent c = component(node("component-exception", "secret"), Map.of(), registry);
        try {
            final AeronTransportEngine engine = c.engine();
            engine.handle(TestNodes.ECHO, ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
            engine.injectFault(new IllegalStateException("injected: not fatal"));
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.stats().errors() == 1);
            assertThat(engine.stats().fatalErrors()).isZero();
            assertThat(engine.request(engine.self(), TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
                .toCompletableFuture().join().remaining()).isEqualTo(8);
            assertThat(c.engine()).isSameAs(engine);
            assertThat(registry.registered).hasSize(1);
        } finally {
            c.deactivate();
        }
    }

    @Test
    void anInvokerThatTerminatesIsFatalTheServiceIsWithdrawnAndRegisteredAgain() throws Exception {
        final Registry registry = new Registry();
        final AeronTransportComponent c = component(node("component-terminated", "secret"), Map.of(), registry);
        try {
            final AeronTransportEngine first = c.engine();
            final int port = first.localEndpoint().port();
            first.handle(TestNodes.HOLD, ForkJoinPool.commonPool(), m -> { }); // never answers
            final CompletableFuture<ByteBuffer> pending = first.request(first.self(), TestNodes.HOLD, ByteBuffer.allocate(8),
                Duration.ofSeconds(60)).toCompletableFuture();
            first.injectFault(new org.agrona.concurrent.AgentTerminationException("injected: an invoker terminated"));
            await().atMost(Duration.ofSeconds(10)).until(first::failed);
            await().atMost(Duration.ofSeconds(20)).until(() -> registry.registered.size() == 2 && registry.current != null);
            assertThat(first.stats().fatalErrors()).isEqualTo(1);
            // The failed engine refuses at once instead of waiting on a driver nobody runs.
            assertThatThrownBy(() -> first.send(first.self(), TestNodes.HOLD, ByteBuffer.allocate(1)))
                .isInstanceOf(org.swarmosgi.api.transport.TransportException.class).hasMessageContaining("CLOSED");
            // Its pending call failed with the engine (CLOSED), not at its 60 s timeout.
            assertThatThrownBy(pending::join).hasCauseInstanceOf(org.swarmosgi.api.transport.TransportException.class);
            final AeronTransportEngine second = c.engine();
            assertThat(registry.current).isSameAs(second).isNotSameAs(first);
            assertThat(second.localEndpoint().port()).isEqualTo(port);
            second.handle(TestNodes.ECHO, ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
            assertThat(second.request(second.self(), TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
                .toCompletableFuture().join().remaining()).isEqualTo(8);
            // The figures outlive the failed engine: the restart and the fatal error stay counted, and the new
            // engine counts on from there (before, each engine began at zero and a restart wiped them).
            assertThat(second.stats()).isSameAs(first.stats());
            assertThat(c.metrics()).contains(
                Metric.counter("swarm_transport_fatal_errors_total",
                    "Errors that made the transport unusable (it was withdrawn and restarted)", 1),
                Metric.counter("swarm_transport_restarts_total", "Failed transports replaced by a fresh one", 1));
            assertThat(c.group()).isEqualTo("Transport");
        } finally {
            c.deactivate();
        }
        assertThat(registry.current).isNull();
    }
}
