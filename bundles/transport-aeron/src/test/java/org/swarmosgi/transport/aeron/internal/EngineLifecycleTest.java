package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;

/** Start and stop leave nothing behind: no thread, no file, no bound port. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineLifecycleTest {

    private static long transportThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith(AeronTransportEngine.THREAD_PREFIX + "lifecycle"))
            .count();
    }

    @ParameterizedTest
    @EnumSource(value = DriverThreading.class, names = {"INVOKER", "SHARED"})
    void stopLeavesNoThreadFileOrPort(DriverThreading threading) throws Exception {
        final TransportSettings settings = TestNodes.settings("lifecycle-" + threading, "lifecycle", "s", 0)
            .withThreading(threading, IdleKind.BACKOFF, 1_000_000);
        final AeronTransportEngine engine = AeronTransportEngine.start(settings);
        final int port = engine.localEndpoint().port();
        assertThat(port).isPositive();
        assertThat(Files.isDirectory(settings.aeronDir())).isTrue();
        // One duty-cycle thread in INVOKER mode (+ the callback pool once used), one more driver thread in SHARED.
        assertThat(transportThreads()).isEqualTo(threading == DriverThreading.INVOKER ? 1 : 2);
        engine.handle(TestNodes.ECHO, java.util.concurrent.ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
        assertThat(engine.request(engine.self(), TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
            .toCompletableFuture().join().remaining()).isEqualTo(8);

        engine.close();

        assertThat(Files.exists(settings.aeronDir())).as("aeron dir removed").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> transportThreads() == 0);
        try (DatagramSocket again = new DatagramSocket(port, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        assertThatThrownBy(() -> engine.send(engine.self(), TestNodes.ECHO, ByteBuffer.allocate(1)))
            .isInstanceOf(TransportException.class)
            .satisfies(e -> assertThat(((TransportException) e).reason()).isEqualTo(Reason.CLOSED));
        engine.close(); // idempotent
    }

    @Test
    void anExternalDriverIsUsedAndLeftAsItWas() {
        final TransportSettings d = TestNodes.settings("lifecycle-external", "lifecycle", "s", 0);
        try (io.aeron.driver.MediaDriver external = io.aeron.driver.MediaDriver.launch(new io.aeron.driver.MediaDriver.Context()
            .aeronDirectoryName(d.aeronDir().toString()).threadingMode(io.aeron.driver.ThreadingMode.SHARED)
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true))) {
            final TransportSettings settings = new TransportSettings(d.nodeId(), d.clusterName(), d.key(), d.bindHost(), 0,
                d.advertiseHost(), d.aeronDir(), true, d.threading(), d.idle(), d.maxParkNs(), d.termLength(),
                d.chunkSize(), d.maxPayload(), d.callTimeout(), d.sendRetryTimeout(), d.connectTimeout(), d.helloWindow(), 1);
            try (AeronTransportEngine engine = AeronTransportEngine.start(settings)) {
                assertThat(transportThreads()).isEqualTo(1); // the driver's threads are not ours
                engine.handle(TestNodes.ECHO, java.util.concurrent.ForkJoinPool.commonPool(), m -> m.reply(m.payload()));
                assertThat(engine.request(engine.self(), TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
                    .toCompletableFuture().join().remaining()).isEqualTo(8);
            }
            assertThat(Files.isDirectory(d.aeronDir())).as("an external driver's directory is not ours to remove").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> transportThreads() == 0);
        }
    }

    @Test
    void aTakenPortIsReportedAndNothingIsLeftBehind() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            final TransportSettings settings = TestNodes.settings("lifecycle-taken", "lifecycle", "s", taken.getLocalPort());
            assertThatThrownBy(() -> AeronTransportEngine.start(settings)).isInstanceOf(RuntimeException.class);
            assertThat(Files.exists(settings.aeronDir())).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> transportThreads() == 0);
        }
    }

    @Test
    void invalidSettingsAreRefusedNamingTheKey() {
        final TransportSettings ok = TestNodes.settings("lifecycle-bad", "lifecycle", "s", 0);
        assertThatThrownBy(() -> new TransportSettings(ok.nodeId(), ok.clusterName(), ok.key(), ok.bindHost(), 70_000,
            ok.advertiseHost(), ok.aeronDir(), false, ok.threading(), ok.idle(), ok.maxParkNs(), ok.termLength(),
            ok.chunkSize(), ok.maxPayload(), ok.callTimeout(), ok.sendRetryTimeout(), ok.connectTimeout(), ok.helloWindow(),
            1)).hasMessageContaining("port");
        assertThatThrownBy(() -> new TransportSettings(ok.nodeId(), ok.clusterName(), ok.key(), ok.bindHost(), 0,
            ok.advertiseHost(), ok.aeronDir(), false, ok.threading(), ok.idle(), ok.maxParkNs(), 3_000_000,
            ok.chunkSize(), ok.maxPayload(), ok.callTimeout(), ok.sendRetryTimeout(), ok.connectTimeout(), ok.helloWindow(),
            1)).hasMessageContaining("term.length");
        assertThatThrownBy(() -> new TransportSettings(ok.nodeId(), ok.clusterName(), ok.key(), ok.bindHost(), 0,
            ok.advertiseHost(), ok.aeronDir(), false, ok.threading(), ok.idle(), ok.maxParkNs(), 1 << 20,
            200_000, ok.maxPayload(), ok.callTimeout(), ok.sendRetryTimeout(), ok.connectTimeout(), ok.helloWindow(),
            1)).hasMessageContaining("chunk.size");
        assertThatThrownBy(() -> new TransportSettings(ok.nodeId(), ok.clusterName(), ok.key(), ok.bindHost(), 0,
            ok.advertiseHost(), ok.aeronDir(), false, ok.threading(), ok.idle(), ok.maxParkNs(), ok.termLength(),
            ok.chunkSize(), 1024, ok.callTimeout(), ok.sendRetryTimeout(), ok.connectTimeout(), ok.helloWindow(),
            1)).hasMessageContaining("max.payload");
        assertThatThrownBy(() -> TransportSettings.defaults(new NodeId("n", 1), "c", new byte[16], "127.0.0.1", 0,
            ok.aeronDir())).hasMessageContaining("32 bytes");
    }
}
