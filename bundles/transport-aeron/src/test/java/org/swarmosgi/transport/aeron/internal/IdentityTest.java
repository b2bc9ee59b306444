package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.transport.aeron.internal.TransportStats.Drop;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * Identity on the wire: a HELLO binds the target's incarnation, so what was captured on the way to one
 * run of a node is worthless to the next run on the same port; host names a HELLO carries are resolved
 * off the duty cycle.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class IdentityTest {
    private static final String CLUSTER = "identity-" + ProcessHandle.current().pid();
    private static final String SECRET = "identity-secret";

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private final Sink sink = new Sink();
    private AeronTransportEngine receiver;
    private MediaDriver strangerDriver;
    private Aeron stranger;

    @BeforeEach
    void start() {
        final Path dir = TestNodes.NODES_DIR.resolve("identity-stranger-" + UUID.randomUUID());
        strangerDriver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        stranger = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()));
    }

    @AfterEach
    void stop() {
        org.agrona.CloseHelper.closeAll(stranger, strangerDriver, receiver);
        handlers.shutdownNow();
    }

    private AeronTransportEngine receiver(int port) {
        final AeronTransportEngine r = AeronTransportEngine.start(TestNodes.settings("identity-receiver", CLUSTER, SECRET, port));
        r.handle(TestNodes.SINK, handlers, sink);
        return r;
    }

    private ExclusivePublication streamTo(Endpoint to) {
        final ExclusivePublication p = stranger.addExclusivePublication(
            "aeron:udp?endpoint=" + to.host() + ":" + to.port(), AeronTransportEngine.STREAM_ID);
        await().atMost(Duration.ofSeconds(10)).until(p::isConnected);
        return p;
    }

    private static void offer(ExclusivePublication p, UnsafeBuffer buffer, int length) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> p.offer(buffer, 0, length) > 0);
    }

    /**
     * Capture a genuine sender's HELLO and two frames on their way to a receiver, restart the receiver
     * on the same port (a new incarnation, as after a container restart), and replay the capture well
     * within the HELLO window: the new run refuses the HELLO as meant for another incarnation, so the
     * frames have no session and nothing is delivered.
     */
    @Test
    void aCapturedHelloAndFramesReplayedToARestartedReceiverAreRefused() {
        receiver = receiver(0);
        final Endpoint endpoint = receiver.localEndpoint();
        final OutboundFrames sender = new OutboundFrames(TestNodes.key(CLUSTER, SECRET), CLUSTER,
            new NodeId("identity-sender", TestNodes.incarnation()), new Endpoint("127.0.0.1", 9), receiver.self());
        final UnsafeBuffer hello = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
        final int helloLength = sender.hello(hello, System.currentTimeMillis(), 11, 12);
        final UnsafeBuffer[] frames = new UnsafeBuffer[2];
        final int[] lengths = new int[2];
        for (int i = 0; i < 2; i++) {
            frames[i] = new UnsafeBuffer(BufferUtil.allocateDirectAligned(256, 64));
            lengths[i] = sender.message(frames[i], i + 1, Kind.CAST, TestNodes.SINK, 0,
                ByteBuffer.allocate(8).putLong(0, i + 1), 0, 8);
            OutboundFrames.sequence(frames[i], i + 1);
            sender.sign(frames[i], lengths[i]);
        }
        final ExclusivePublication first = streamTo(endpoint);
        offer(first, hello, helloLength);
        offer(first, frames[0], lengths[0]);
        offer(first, frames[1], lengths[1]);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count.get() == 2); // genuine: heard
        first.close();
        final NodeId firstRun = receiver.self().id();
        receiver.close();

        receiver = receiver(endpoint.port());
        assertThat(receiver.localEndpoint()).isEqualTo(endpoint);
        assertThat(receiver.self().id().incarnation()).isGreaterThan(firstRun.incarnation());
        final ExclusivePublication replay = streamTo(endpoint);
        offer(replay, hello, helloLength);
        offer(replay, frames[0], lengths[0]);
        offer(replay, frames[1], lengths[1]);
        final TransportStats stats = receiver.stats();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(stats.dropped(Drop.WRONG_TARGET)).isEqualTo(1);
            assertThat(stats.dropped(Drop.NO_SESSION)).isEqualTo(2);
        });
        assertThat(stats.sessions()).isZero();
        assertThat(stats.delivered()).isZero();
        assertThat(sink.count.get()).isEqualTo(2); // only the two of the first run
    }

    /**
     * A HELLO names its sender's host, which the receiver connects back to. With the driver in INVOKER
     * mode a host name given to Aeron would be resolved by its conductor on the duty cycle, stalling
     * every peer while DNS answers. It is resolved on the callback thread instead, and the duty cycle
     * serves a peer while that resolution hangs.
     */
    @Test
    void hostNamesInAHelloAreResolvedOffTheDutyCycle() throws Exception {
        receiver = receiver(0);
        receiver.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
        final CountDownLatch dnsAnswers = new CountDownLatch(1);
        final AtomicReference<String> resolvedOn = new AtomicReference<>();
        receiver.resolver = host -> {
            if (!host.equals("slow-dns.example.test")) {
                try {
                    return InetAddress.getByName(host);
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            resolvedOn.set(Thread.currentThread().getName());
            try {
                dnsAnswers.await(60, TimeUnit.SECONDS); // a DNS server that takes its time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("no such host");
        };
        final OutboundFrames sender = new OutboundFrames(TestNodes.key(CLUSTER, SECRET), CLUSTER,
            new NodeId("identity-named", TestNodes.incarnation()), new Endpoint("slow-dns.example.test", 9),
            receiver.self());
        final UnsafeBuffer hello = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
        offer(streamTo(receiver.localEndpoint()), hello, sender.hello(hello, System.currentTimeMillis(), 21, 22));
        await().atMost(Duration.ofSeconds(10)).until(() -> resolvedOn.get() != null);
        assertThat(resolvedOn.get()).isNotEqualTo(AeronTransportEngine.THREAD_PREFIX + "identity-receiver")
            .startsWith(AeronTransportEngine.THREAD_PREFIX + "identity-receiver-callback");
        // While that name hangs, the duty cycle still serves a peer.
        try (AeronTransportEngine friend = AeronTransportEngine.start(TestNodes.settings("identity-friend", CLUSTER, SECRET, 0))) {
            final ByteBuffer reply = friend.request(receiver.self(), TestNodes.ECHO, ByteBuffer.allocate(8).putLong(0, 3),
                Duration.ofSeconds(5)).toCompletableFuture().join();
            assertThat(reply.getLong(0)).isEqualTo(3);
        } finally {
            dnsAnswers.countDown();
        }
    }
}
