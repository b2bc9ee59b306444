package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;

/** This JVM and two peer JVMs on loopback: concurrent senders, peers that die, a peer that restarts. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThreeNodeTest {
    private static final String CLUSTER = "three-node-" + ProcessHandle.current().pid();
    private static final String SECRET = "three-node-secret";

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private final Sink sink = new Sink();
    private AeronTransportEngine local;
    private PeerProcess a;
    private PeerProcess b;

    @BeforeEach
    void start() {
        local = AeronTransportEngine.start(TestNodes.settings("local3", CLUSTER, SECRET, 0));
        local.handle(TestNodes.SINK, handlers, sink);
        local.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
        a = PeerProcess.start("three-a", CLUSTER, SECRET, 0);
        b = PeerProcess.start("three-b", CLUSTER, SECRET, 0);
    }

    @AfterEach
    void stop() {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            if (local != null) {
                local.close();
            }
            handlers.shutdownNow();
        }
    }

    private ByteBuffer echo(PeerProcess peer, int size) {
        return local.request(peer.endpoint, TestNodes.ECHO, ByteBuffer.allocate(size), Duration.ofSeconds(5))
            .toCompletableFuture().join();
    }

    @Test
    void twoSendersAtOnceEachKeepTheirOrderAndPeersTalkToEachOther() {
        final CompletableFuture<String> fromA =
            CompletableFuture.supplyAsync(() -> a.command("blast " + local.localEndpoint() + " 10000", "BLASTED", 60));
        final CompletableFuture<String> fromB =
            CompletableFuture.supplyAsync(() -> b.command("blast " + local.localEndpoint() + " 10000", "BLASTED", 60));
        CompletableFuture.allOf(fromA, fromB).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.count.get() == 20_000);
        assertThat(sink.violations.get()).isZero();

        assertThat(echo(a, 32).remaining()).isEqualTo(32);
        assertThat(echo(b, 1024).remaining()).isEqualTo(1024);
        assertThat(a.command("call " + b.endpoint + " 100", "REPLY", 10)).isEqualTo("REPLY 100");
        assertThat(b.command("call " + a.endpoint + " 200", "REPLY", 10)).isEqualTo("REPLY 200");
    }

    @Test
    void aPeerKilledMidCallFailsTheCallWithinItsTimeout() throws Exception {
        assertThat(echo(b, 8).remaining()).isEqualTo(8);
        final long start = System.nanoTime();
        final CompletableFuture<ByteBuffer> call =
            local.request(b.endpoint, TestNodes.HOLD, ByteBuffer.allocate(8), Duration.ofSeconds(3)).toCompletableFuture();
        b.kill();
        assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .satisfies(e -> assertThat(e.getCause()).isInstanceOfAny(SwarmTimeoutException.class, TransportException.class));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
        // The other peer is unaffected.
        assertThat(echo(a, 32).remaining()).isEqualTo(32);
    }

    @Test
    void aStalledPeerBackPressuresItsSendersWithinTheRetryBoundAndNobodyElse() throws Exception {
        assertThat(echo(a, 8).remaining()).isEqualTo(8);
        a.pause(true);
        try {
            final ByteBuffer payload = ByteBuffer.allocate(1024);
            TransportException failure = null;
            long failedSendMs = 0;
            for (int i = 0; i < 100_000 && failure == null; i++) { // the window holds a few hundred; the loop ends far sooner
                final long start = System.nanoTime();
                try {
                    local.send(a.endpoint, TestNodes.HOLD, payload);
                } catch (TransportException e) {
                    failure = e;
                    failedSendMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }
            assertThat(failure).isNotNull();
            assertThat(failure.reason()).isEqualTo(Reason.BACK_PRESSURED);
            // Bounded: the send.retry.timeout of the test settings (2 s), not forever.
            assertThat(failedSendMs).isBetween(1_900L, 3_000L);
            // Other peers are not held up by the stalled one.
            assertThat(echo(b, 32).remaining()).isEqualTo(32);
        } finally {
            a.pause(false);
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> echo(a, 16).remaining() == 16);
    }

    @Test
    void aPeerReportedDownFailsItsCallsAtOnce() {
        final CompletableFuture<ByteBuffer> call =
            local.request(a.endpoint, TestNodes.HOLD, ByteBuffer.allocate(8), Duration.ofSeconds(60)).toCompletableFuture();
        final long start = System.nanoTime();
        local.release(a.endpoint, "reported down by membership");
        assertThatThrownBy(call::join).hasCauseInstanceOf(TransportException.class)
            .satisfies(e -> assertThat(((TransportException) e.getCause()).reason()).isEqualTo(Reason.NOT_CONNECTED));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        // Released is not banned: the next message opens a new stream.
        assertThat(echo(a, 16).remaining()).isEqualTo(16);
    }

    @Test
    void aPeerRestartedOnTheSamePortIsReachedAgainWithoutMembership() throws Exception {
        assertThat(echo(b, 8).remaining()).isEqualTo(8);
        final int port = b.endpoint.port();
        b.kill();
        b = PeerProcess.start("three-b", CLUSTER, SECRET, port);
        // Nobody reports the restart: a call may time out once (our stream joined the new peer mid-way);
        // the timeout makes the stream say HELLO again, and the next call gets through.
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> local.request(b.endpoint, TestNodes.ECHO,
            ByteBuffer.allocate(24), Duration.ofMillis(700)).toCompletableFuture().join().remaining() == 24);
    }

    @Test
    void aPeerRestartedOnTheSamePortWithANewIncarnationReconnects() throws Exception {
        assertThat(echo(b, 8).remaining()).isEqualTo(8);
        final int port = b.endpoint.port();
        final String oldId = b.nodeId;
        b.kill();
        // Membership reports the old incarnation down, then the new one up.
        local.release(b.endpoint, "replaced by new incarnation");
        b = PeerProcess.start("three-b", CLUSTER, SECRET, port);
        assertThat(b.nodeId).isNotEqualTo(oldId);
        assertThat(b.endpoint.port()).isEqualTo(port);
        assertThat(echo(b, 64).remaining()).isEqualTo(64);
        assertThat(b.command("call " + local.localEndpoint() + " 48", "REPLY", 10)).isEqualTo("REPLY 48");
        assertThat(b.command("call " + a.endpoint + " 48", "REPLY", 10)).isEqualTo("REPLY 48");
    }
}
