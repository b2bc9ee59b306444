package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;
import org.swarmosgi.test.support.Processes;

/** This JVM and two peer JVMs on loopback: concurrent senders, peers that die, a peer that restarts. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThreeNodeTest {
    private static final String CLUSTER = "three-node-" + ProcessHandle.current().pid();
    private static final String SECRET = "three-node-secret";

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private final Sink sink = new Sink();
    private final Processes processes = new Processes();
    private AeronTransportEngine local;
    private PeerProcess a;
    private PeerProcess b;

    @BeforeEach
    void start() {
        local = AeronTransportEngine.start(TestNodes.settings("local3", CLUSTER, SECRET, 0));
        local.handle(TestNodes.SINK, handlers, sink);
        local.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
        a = PeerProcess.start(processes, "three-a", CLUSTER, SECRET, 0);
        b = PeerProcess.start(processes, "three-b", CLUSTER, SECRET, 0);
    }

    @AfterEach
    void stop() {
        try {
            processes.close();
        } finally {
            if (local != null) {
                local.close();
            }
            handlers.shutdownNow();
        }
    }

    private ByteBuffer echo(PeerProcess peer, int size) {
        return local.request(peer.member, TestNodes.ECHO, ByteBuffer.allocate(size), Duration.ofSeconds(5))
            .toCompletableFuture().join();
    }

    @Test
    void twoSendersAtOnceEachKeepTheirOrderAndPeersTalkToEachOther() {
        final CompletableFuture<String> fromA =
            CompletableFuture.supplyAsync(() -> a.command("blast " + TestNodes.format(local.self()) + " 10000", "BLASTED", 60));
        final CompletableFuture<String> fromB =
            CompletableFuture.supplyAsync(() -> b.command("blast " + TestNodes.format(local.self()) + " 10000", "BLASTED", 60));
        CompletableFuture.allOf(fromA, fromB).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.count.get() == 20_000);
        assertThat(sink.violations.get()).isZero();

        assertThat(echo(a, 32).remaining()).isEqualTo(32);
        assertThat(echo(b, 1024).remaining()).isEqualTo(1024);
        assertThat(a.command("call " + TestNodes.format(b.member) + " 100", "REPLY", 10)).isEqualTo("REPLY 100");
        assertThat(b.command("call " + TestNodes.format(a.member) + " 200", "REPLY", 10)).isEqualTo("REPLY 200");
    }

    @Test
    void aPeerKilledMidCallFailsTheCallAsNotConnectedLongBeforeItsTimeout() throws Exception {
        assertThat(echo(b, 8).remaining()).isEqualTo(8);
        final long start = System.nanoTime();
        // A timeout far beyond the test's wait: only the not-connected path can end this call in time.
        final CompletableFuture<ByteBuffer> call =
            local.request(b.member, TestNodes.HOLD, ByteBuffer.allocate(8), Duration.ofSeconds(120)).toCompletableFuture();
        b.kill();
        assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .satisfies(e -> assertThat(e.getCause()).isInstanceOf(TransportException.class))
            .satisfies(e -> assertThat(((TransportException) e.getCause()).reason()).isEqualTo(Reason.NOT_CONNECTED));
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(30);
        // A send to it now fails at once: it does not wait the connect timeout holding the link (and every
        // sender to that peer, such as the registry's one sending thread) as if the peer had never connected.
        assertThatThrownBy(() -> local.send(b.member, TestNodes.SINK, ByteBuffer.allocate(8)))
            .isInstanceOf(TransportException.class).hasMessageContaining("lost its receiver");
        // The other peer is unaffected.
        assertThat(echo(a, 32).remaining()).isEqualTo(32);
    }

    @Test
    void aStalledPeerBackPressuresItsSendersWithinTheRetryBoundAndNobodyElse() throws Exception {
        assertThat(echo(a, 8).remaining()).isEqualTo(8);
        a.pause();
        try {
            final ByteBuffer payload = ByteBuffer.allocate(1024);
            TransportException failure = null;
            long failedSendMs = 0;
            for (int i = 0; i < 100_000 && failure == null; i++) { // the window holds a few hundred; the loop ends far sooner
                final long start = System.nanoTime();
                try {
                    local.send(a.member, TestNodes.HOLD, payload);
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
            a.resume();
        }
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
            .until(() -> echo(a, 16).remaining() == 16);
    }

    @Test
    void aPeerReportedDownFailsItsCallsAtOnce() {
        final CompletableFuture<ByteBuffer> call =
            local.request(a.member, TestNodes.HOLD, ByteBuffer.allocate(8), Duration.ofSeconds(60)).toCompletableFuture();
        final long start = System.nanoTime();
        local.release(a.member, "reported down by membership");
        assertThatThrownBy(call::join).hasCauseInstanceOf(TransportException.class)
            .satisfies(e -> assertThat(((TransportException) e.getCause()).reason()).isEqualTo(Reason.NOT_CONNECTED));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        // Released is not banned: the next message opens a new stream.
        assertThat(echo(a, 16).remaining()).isEqualTo(16);
    }

    @Test
    void messagesForADeadIncarnationAreNeverDeliveredToItsSuccessorOnTheSamePort() throws Exception {
        assertThat(echo(b, 8).remaining()).isEqualTo(8);
        final Member old = b.member;
        b.kill();
        b = PeerProcess.start(processes, "three-b", CLUSTER, SECRET, old.endpoint().port());
        assertThat(b.member.endpoint()).isEqualTo(old.endpoint());
        assertThat(b.member.id()).isNotEqualTo(old.id());
        // Nobody reports the restart. Our stream to the old incarnation joins the successor mid-way, its
        // timeouts make it say HELLO again, and every HELLO names the old incarnation: refused, never heard.
        final ByteBuffer one = ByteBuffer.allocate(8).putLong(0, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try {
                local.send(old, TestNodes.SINK, one);
                local.request(old, TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofMillis(300)).toCompletableFuture().join();
                throw new AssertionError("the old incarnation's call was answered by its successor");
            } catch (CompletionException | TransportException expected) {
                // timed out or not connected: what a message to a dead incarnation must do
            }
            assertThat(Long.parseLong(b.command("drops WRONG_TARGET", "DROPS", 10).split(" ")[1])).isPositive();
        });
        assertThat(b.command("sink", "SINK", 10)).isEqualTo("SINK 0 0");
        // The successor itself is reached at once: it has an identity, and a stream, of its own.
        assertThat(echo(b, 24).remaining()).isEqualTo(24);
    }

    @Test
    void aPeerRestartedOnTheSamePortWithANewIncarnationReconnects() throws Exception {
        assertThat(echo(b, 8).remaining()).isEqualTo(8);
        final int port = b.endpoint.port();
        final String oldId = b.nodeId;
        b.kill();
        // Membership reports the old incarnation down, then the new one up.
        local.release(b.member, "replaced by new incarnation");
        b = PeerProcess.start(processes, "three-b", CLUSTER, SECRET, port);
        assertThat(b.nodeId).isNotEqualTo(oldId);
        assertThat(b.endpoint.port()).isEqualTo(port);
        assertThat(echo(b, 64).remaining()).isEqualTo(64);
        assertThat(b.command("call " + TestNodes.format(local.self()) + " 48", "REPLY", 10)).isEqualTo("REPLY 48");
        assertThat(b.command("call " + TestNodes.format(a.member) + " 48", "REPLY", 10)).isEqualTo("REPLY 48");
    }
}
