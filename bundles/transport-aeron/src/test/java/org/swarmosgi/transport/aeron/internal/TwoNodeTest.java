package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;
import org.swarmosgi.test.support.Processes;

/** This JVM and one peer JVM on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoNodeTest {
    private static final String CLUSTER = "two-node-" + ProcessHandle.current().pid();
    private static final String SECRET = "two-node-secret";

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private final Sink sink = new Sink();
    private final Processes processes = new Processes();
    private AeronTransportEngine local;
    private PeerProcess peer;

    @BeforeAll
    void start() {
        local = AeronTransportEngine.start(TestNodes.settings("local", CLUSTER, SECRET, 0));
        local.handle(TestNodes.SINK, handlers, sink);
        local.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
        peer = PeerProcess.start(processes, "two-peer", CLUSTER, SECRET, 0);
    }

    @AfterAll
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

    private ByteBuffer call(int topic, ByteBuffer payload, Duration timeout) {
        return local.request(peer.member, topic, payload, timeout).toCompletableFuture().join();
    }

    @Test
    void callsAreAnsweredWithTheirOwnPayload() {
        for (int size : new int[] {0, 1, 32, 1024, 60_000}) {
            final ByteBuffer payload = TestNodes.bytes(size, size);
            assertThat(TestNodes.array(call(TestNodes.ECHO, payload, Duration.ofSeconds(5))))
                .as("echo of %d bytes", size).isEqualTo(TestNodes.array(payload));
        }
        // Direct and read-only buffers are read from position to limit and left as they were.
        final ByteBuffer direct = ByteBuffer.allocateDirect(64).put(TestNodes.bytes(64, 3)).flip().position(10);
        assertThat(call(TestNodes.ECHO, direct, Duration.ofSeconds(5)).remaining()).isEqualTo(54);
        assertThat(direct.position()).isEqualTo(10);
        final ByteBuffer readOnly = TestNodes.bytes(100, 4).asReadOnlyBuffer();
        assertThat(TestNodes.array(call(TestNodes.ECHO, readOnly, Duration.ofSeconds(5)))).isEqualTo(TestNodes.array(readOnly));
    }

    @Test
    void manyConcurrentCallsAreEachAnsweredWithTheirOwnReply() {
        final List<CompletableFuture<ByteBuffer>> calls = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            final ByteBuffer b = ByteBuffer.allocate(8).putLong(0, i);
            calls.add(local.request(peer.member, TestNodes.ECHO, b, Duration.ofSeconds(10)).toCompletableFuture());
        }
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).join().getLong(0)).isEqualTo(i);
        }
    }

    @Test
    void stagesChainedOnACallNeverRunOnTheTransportThread() {
        final String dutyCycle = AeronTransportEngine.THREAD_PREFIX + "local";
        for (int i = 0; i < 200; i++) {
            final CompletableFuture<ByteBuffer> call =
                local.request(peer.member, TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5)).toCompletableFuture();
            final CompletableFuture<String> direct = call.thenApply(b -> Thread.currentThread().getName());
            final CompletableFuture<String> viaAllOf = CompletableFuture.allOf(call).thenApply(v -> Thread.currentThread().getName());
            assertThat(direct.join()).isNotEqualTo(dutyCycle);
            assertThat(viaAllOf.join()).isNotEqualTo(dutyCycle);
        }
    }

    @Test
    void castsArriveInOrderBothWays() {
        final long before = sink.count.get();
        peer.command("blast " + TestNodes.format(local.self()) + " 20000", "BLASTED", 60);
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.count.get() == before + 20_000);
        assertThat(sink.violations.get()).isZero();

        final ByteBuffer b = ByteBuffer.allocateDirect(32);
        for (long i = 1; i <= 20_000; i++) {
            b.clear();
            b.putLong(0, i);
            local.send(peer.member, TestNodes.SINK, b);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> peer.command("sink", "SINK", 5).equals("SINK 20000 0"));
    }

    @Test
    void smallSendsAllocateNothingInSteadyState() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        final ByteBuffer heap = ByteBuffer.allocate(32);
        final ByteBuffer direct = ByteBuffer.allocateDirect(1024);
        for (int i = 0; i < 50_000; i++) { // warm up: JIT, link, lock
            local.send(peer.member, TestNodes.HOLD, heap);
            local.send(peer.member, TestNodes.HOLD, direct);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            local.send(peer.member, TestNodes.HOLD, heap);
            local.send(peer.member, TestNodes.HOLD, direct);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated by 20,000 sends").isLessThan(2_000);
    }

    @Test
    void aCallWithoutReplyTimesOutAtItsTimeout() {
        final long start = System.nanoTime();
        assertThatThrownBy(() -> call(TestNodes.HOLD, ByteBuffer.allocate(4), Duration.ofMillis(300)))
            .isInstanceOf(CompletionException.class).hasCauseInstanceOf(SwarmTimeoutException.class);
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(tookMs).isBetween(290L, 3_000L);
    }

    @Test
    void aTopicWithoutHandlerAndAFailingHandlerFailTheCall() {
        assertThatThrownBy(() -> call(1999, ByteBuffer.allocate(4), Duration.ofSeconds(5)))
            .hasCauseInstanceOf(TransportException.class)
            .satisfies(e -> assertThat(((TransportException) e.getCause()).reason()).isEqualTo(Reason.NO_HANDLER));
        assertThatThrownBy(() -> call(TestNodes.FAILING, ByteBuffer.allocate(4), Duration.ofSeconds(5)))
            .hasCauseInstanceOf(TransportException.class)
            .satisfies(e -> assertThat(((TransportException) e.getCause()).reason()).isEqualTo(Reason.REMOTE_ERROR))
            .hasMessageContaining("boom");
    }

    @Test
    void largePayloadsArriveWholeAndChecked() {
        final ByteBuffer big = TestNodes.bytes(64 * 1024 * 1024, 64);
        final ByteBuffer digest = call(TestNodes.DIGEST, big, Duration.ofSeconds(60));
        assertThat(TestNodes.array(digest)).isEqualTo(TestNodes.sha256(big));
        // A large reply travels the same way back.
        final ByteBuffer eight = TestNodes.bytes(8 * 1024 * 1024 + 3, 8);
        assertThat(TestNodes.array(call(TestNodes.ECHO, eight, Duration.ofSeconds(30)))).isEqualTo(TestNodes.array(eight));
    }

    @Test
    void smallMessagesAreNotHeldBehindALargeTransfer() {
        final ByteBuffer big = TestNodes.bytes(64 * 1024 * 1024, 65);
        final java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
        final CompletableFuture<ByteBuffer> large = CompletableFuture.supplyAsync(() -> {
            sending.set(true);
            // request() returns once every chunk is in the stream: until then the transfer is in flight.
            final CompletableFuture<ByteBuffer> reply =
                local.request(peer.member, TestNodes.DIGEST, big, Duration.ofSeconds(60)).toCompletableFuture();
            sent.set(true);
            return reply.join();
        });
        int smallDuringLarge = 0;
        while (!sent.get()) {
            final boolean startedDuring = sending.get();
            call(TestNodes.ECHO, ByteBuffer.allocate(32), Duration.ofSeconds(5));
            if (startedDuring && !sent.get()) {
                smallDuringLarge++;
            }
        }
        assertThat(TestNodes.array(large.join())).isEqualTo(TestNodes.sha256(big));
        assertThat(smallDuringLarge).as("small calls answered while the chunks of 64 MiB were being sent").isGreaterThan(10);
    }

    @Test
    void aSlowHandlerStallsOnlyItsOwnExecutor() {
        final CompletableFuture<ByteBuffer> blocked =
            local.request(peer.member, TestNodes.BLOCKED, ByteBuffer.allocate(16), Duration.ofSeconds(30)).toCompletableFuture();
        for (int i = 0; i < 50; i++) {
            call(TestNodes.ECHO, ByteBuffer.allocate(32), Duration.ofSeconds(5));
        }
        assertThat(blocked).isNotDone();
        peer.command("unblock", "OK", 5);
        assertThat(blocked.join().remaining()).isEqualTo(16);
    }

    @Test
    void aPeerThatNeverListenedFailsSendsWithNotConnected() throws Exception {
        // A socket held open (port 0, read back) for the whole test: nothing else can take the port, and
        // it answers no Aeron setup, so nobody listens there.
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            final Member nobody = new Member(new NodeId("nobody", TestNodes.incarnation()),
                new Endpoint("127.0.0.1", s.getLocalPort()));
            assertThatThrownBy(() -> local.send(nobody, TestNodes.SINK, ByteBuffer.allocate(8)))
                .isInstanceOf(TransportException.class)
                .satisfies(e -> assertThat(((TransportException) e).reason()).isEqualTo(Reason.NOT_CONNECTED));
            assertThatThrownBy(() -> local.request(nobody, TestNodes.ECHO, ByteBuffer.allocate(8), Duration.ofSeconds(5))
                .toCompletableFuture().join())
                .hasCauseInstanceOf(TransportException.class);
            local.release(nobody, "test");
        }
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> local.send(peer.member, 5, ByteBuffer.allocate(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belong to the transport");
        assertThatThrownBy(() -> local.handle(TestNodes.ECHO, handlers, m -> { }))
            .isInstanceOf(IllegalStateException.class);
        assertThat(local.maxPayload()).isGreaterThanOrEqualTo(64 * 1024 * 1024);
    }
}
