package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.transport.aeron.internal.TransportStats.Drop;
import org.swarmosgi.transport.aeron.internal.codec.Kind;
import org.swarmosgi.transport.aeron.internal.codec.MessageHeaderDecoder;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * Fires random, forged, replayed, truncated and mutated frames at a live endpoint, through a real
 * Aeron stream of a stranger and as raw UDP datagrams. Every bad frame is dropped and counted, each
 * source is logged once, nothing bad reaches a handler, and the node keeps serving its real peer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final String CLUSTER = "bad-input-" + ProcessHandle.current().pid();
    private static final String SECRET = "bad-input-secret";

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private final Sink sink = new Sink();
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler logCapture = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private AeronTransportEngine target;
    private AeronTransportEngine friend;
    private MediaDriver strangerDriver;
    private Aeron stranger;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
    private final Random random = new Random(20261126);

    @BeforeEach
    void start() {
        Logger.getLogger(AeronTransportEngine.class.getName()).addHandler(logCapture);
        target = AeronTransportEngine.start(TestNodes.settings("fuzz-target", CLUSTER, SECRET, 0));
        target.handle(TestNodes.SINK, handlers, sink);
        target.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
        friend = AeronTransportEngine.start(TestNodes.settings("fuzz-friend", CLUSTER, SECRET, 0));
        final Path dir = TestNodes.NODES_DIR.resolve("fuzz-stranger-" + UUID.randomUUID());
        strangerDriver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        stranger = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()));
    }

    @AfterEach
    void stop() {
        Logger.getLogger(AeronTransportEngine.class.getName()).removeHandler(logCapture);
        org.agrona.CloseHelper.closeAll(stranger, strangerDriver, friend, target);
        handlers.shutdownNow();
    }

    private ExclusivePublication streamToTarget() {
        final Endpoint to = target.localEndpoint();
        final ExclusivePublication p = stranger.addExclusivePublication(
            "aeron:udp?endpoint=" + to.host() + ":" + to.port(), AeronTransportEngine.STREAM_ID);
        await().atMost(Duration.ofSeconds(10)).until(p::isConnected);
        return p;
    }

    private void offer(ExclusivePublication p, UnsafeBuffer buffer, int length) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> p.offer(buffer, 0, length) > 0);
    }

    private OutboundFrames frames(String secret, String cluster, Member target) {
        return new OutboundFrames(TestNodes.key(cluster, secret), cluster, new NodeId("stranger", 1),
            new Endpoint("127.0.0.1", 9), target);
    }

    private int message(OutboundFrames f, long seq, int size) {
        final int length = f.message(frame, seq, Kind.CAST, TestNodes.SINK, 0, ByteBuffer.allocate(size).putLong(0, seq), 0, size);
        f.sign(frame, length);
        return length;
    }

    @Test
    void badFramesAreDroppedCountedAndLoggedOncePerSourceWhileTheNodeKeepsServing() throws Exception {
        final TransportStats stats = target.stats();

        // 1. Random bytes, with and without a plausible SBE header, on a stream that never said HELLO.
        final ExclusivePublication noise = streamToTarget();
        for (int i = 0; i < 500; i++) {
            final int length = 1 + random.nextInt(1500);
            for (int j = 0; j < length; j++) {
                frame.putByte(j, (byte) random.nextInt());
            }
            if (i % 2 == 0 && length >= 8) {
                frame.putShort(4, (short) 7031); // our schema id, so decoding goes further
                frame.putShort(2, (short) (1 + random.nextInt(3)));
                frame.putShort(6, (short) MessageHeaderDecoder.SCHEMA_VERSION);
            }
            offer(noise, frame, length);
        }
        // Correctly signed data frames without a HELLO first: no session.
        final OutboundFrames real = frames(SECRET, CLUSTER, target.self());
        final UnsafeBuffer helloBuffer = new UnsafeBuffer(new byte[2048]);
        real.hello(helloBuffer, System.currentTimeMillis(), random.nextLong(), random.nextLong()); // keys `real`, not sent
        offer(noise, frame, message(real, 1, 32));

        // 2. HELLOs that must be refused: wrong secret, wrong cluster, wrong target, stale.
        final ExclusivePublication forged = streamToTarget();
        offer(forged, helloBuffer, frames("wrong-secret", CLUSTER, target.self())
            .hello(helloBuffer, System.currentTimeMillis(), 1, 1));
        offer(forged, helloBuffer, frames(SECRET, "other-cluster", target.self())
            .hello(helloBuffer, System.currentTimeMillis(), 2, 2));
        // A key from this cluster's secret but a HELLO naming another cluster (same key, so the MAC passes).
        offer(forged, helloBuffer, new OutboundFrames(TestNodes.key(CLUSTER, SECRET), "other-cluster",
            new NodeId("stranger", 1), new Endpoint("127.0.0.1", 9), target.self())
            .hello(helloBuffer, System.currentTimeMillis(), 3, 3));
        offer(forged, helloBuffer, frames(SECRET, CLUSTER, new Member(target.self().id(), new Endpoint("127.0.0.1", 1)))
            .hello(helloBuffer, System.currentTimeMillis(), 4, 4));
        // The right endpoint, but another incarnation of the target (an earlier run of it).
        offer(forged, helloBuffer, frames(SECRET, CLUSTER, new Member(new NodeId(target.self().id().name(),
            target.self().id().incarnation() - 1), target.localEndpoint()))
            .hello(helloBuffer, System.currentTimeMillis(), 6, 6));
        offer(forged, helloBuffer, frames(SECRET, CLUSTER, target.self())
            .hello(helloBuffer, System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1), 5, 5));

        // 3. A valid session (a peer with the secret), then replays, truncations and bit flips within it.
        final ExclusivePublication session = streamToTarget();
        final UnsafeBuffer validHello = new UnsafeBuffer(new byte[2048]);
        final OutboundFrames insider = frames(SECRET, CLUSTER, target.self());
        final int helloLength = insider.hello(validHello, System.currentTimeMillis(), 77, 78);
        offer(session, validHello, helloLength);
        offer(session, frame, message(insider, 1, 32));
        final int replayed = message(insider, 2, 32);
        offer(session, frame, replayed);
        final UnsafeBuffer replayCopy = new UnsafeBuffer(new byte[replayed]);
        replayCopy.putBytes(0, frame, 0, replayed);
        long seq = 3;
        for (int i = 0; i < 300; i++) {
            final int length = message(insider, seq, 8 + random.nextInt(200)); // never valid: same seq is fine
            if (i % 2 == 0) {
                offer(session, frame, 1 + random.nextInt(length - 1)); // truncated
            } else {
                final int bit = random.nextInt(length * 8);
                frame.putByte(bit / 8, (byte) (frame.getByte(bit / 8) ^ (1 << (bit % 8)))); // mutated
                offer(session, frame, length);
            }
        }
        offer(session, replayCopy, replayed); // the same frame again: a replay, which breaks the session
        offer(session, frame, message(insider, 3, 32)); // the next in sequence, but the session is gone
        seq = 4;
        // The same HELLO on a fresh stream: its nonce was seen.
        final ExclusivePublication replayStream = streamToTarget();
        offer(replayStream, validHello, helloLength);
        offer(replayStream, frame, message(insider, seq++, 32));

        // 4. Raw UDP garbage at the port (Aeron itself refuses it; the endpoint must stay up).
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            for (int i = 0; i < 500; i++) {
                final byte[] junk = new byte[1 + random.nextInt(1400)];
                random.nextBytes(junk);
                udp.send(new DatagramPacket(junk, junk.length, InetAddress.getByName("127.0.0.1"),
                    target.localEndpoint().port()));
            }
        }

        // All of it counted under its reason...
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(stats.dropped(Drop.MALFORMED) + stats.dropped(Drop.BAD_MAC)).isGreaterThanOrEqualTo(500 + 300 - 10);
            assertThat(stats.dropped(Drop.NO_SESSION)).isPositive();
            // Cheap checks run before the MAC: another cluster's HELLO is refused for its name, whatever its key.
            assertThat(stats.dropped(Drop.WRONG_CLUSTER)).isEqualTo(2);
            assertThat(stats.dropped(Drop.WRONG_TARGET)).isEqualTo(2);
            assertThat(stats.dropped(Drop.STALE_HELLO)).isEqualTo(1);
            assertThat(stats.dropped(Drop.REPLAY)).isEqualTo(2); // the replayed frame, the replayed HELLO
            assertThat(stats.dropped(Drop.NO_SESSION)).isGreaterThanOrEqualTo(3);
        });
        // ...only the insider's two genuine messages were delivered...
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.count.get() == 2);
        assertThat(stats.sessions()).isEqualTo(1);
        // ...each (source, reason) logged once, not once per frame...
        synchronized (logCapture) {
            final List<String> lines = warnings.stream()
                .map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList();
            assertThat(lines).isNotEmpty().doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(2 * Drop.values().length);
        }
        // ...and the node still serves its real peer.
        final ByteBuffer reply = friend.request(target.self(), TestNodes.ECHO, ByteBuffer.allocate(32).putLong(0, 42),
            Duration.ofSeconds(5)).toCompletableFuture().join();
        assertThat(reply.getLong(0)).isEqualTo(42);
        assertThat(stats.rejected()).isGreaterThan(800);
    }

    /**
     * A stranger with the key (an insider, or a writer on the path that drops frames) sends a stream
     * that skips a sequence number: the gap is counted, the session is dropped (the frames after it are
     * refused for want of a session, never delivered out of their order), and a fresh HELLO heals it.
     */
    @Test
    void aGapInTheSequenceBreaksTheStreamUntilAFreshHello() {
        final TransportStats stats = target.stats();
        final ExclusivePublication stream = streamToTarget();
        final OutboundFrames insider = frames(SECRET, CLUSTER, target.self());
        final UnsafeBuffer hello = new UnsafeBuffer(new byte[2048]);
        offer(stream, hello, insider.hello(hello, System.currentTimeMillis(), random.nextLong(), random.nextLong()));
        offer(stream, frame, message(insider, 1, 32));
        offer(stream, frame, message(insider, 2, 32));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count.get() == 2);

        offer(stream, frame, message(insider, 4, 32)); // 3 withheld
        offer(stream, frame, message(insider, 5, 32));
        offer(stream, frame, message(insider, 3, 32)); // too late: the stream is broken
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(stats.dropped(Drop.GAP)).isEqualTo(1);
            assertThat(stats.dropped(Drop.NO_SESSION)).isEqualTo(2);
        });
        assertThat(sink.count.get()).isEqualTo(2);

        // The sender says HELLO again (new nonce, new session key) and numbers from 1 again.
        offer(stream, hello, insider.hello(hello, System.currentTimeMillis(), random.nextLong(), random.nextLong()));
        offer(stream, frame, message(insider, 1, 32));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count.get() == 3);
        assertThat(stats.sessions()).isEqualTo(2);
    }

    /**
     * Between two real nodes, a frame goes missing (test hook: the sender skips a number). The receiver
     * breaks the stream and asks the sender, over its own stream back, to say HELLO again; the sender
     * does at its next send, so a peer that only casts (no call to time out) heals too.
     */
    @Test
    void aSenderWhoseStreamBrokeSaysHelloAgainWhenTheReceiverAsks() {
        final TransportStats stats = target.stats();
        final ByteBuffer b = ByteBuffer.allocate(8);
        friend.send(target.self(), TestNodes.SINK, b.putLong(0, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.count.get() == 1);
        friend.skipSequence(target.self().id());
        friend.send(target.self(), TestNodes.SINK, b.putLong(0, 2)); // lost to the gap
        await().atMost(Duration.ofSeconds(10)).until(() -> stats.dropped(Drop.GAP) == 1);
        long next = 3;
        final long[] seq = {next};
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            friend.send(target.self(), TestNodes.SINK, b.putLong(0, seq[0]++));
            return sink.count.get() > 1;
        });
        assertThat(stats.sessions()).isEqualTo(2); // the first HELLO and the one asked for
        assertThat(friend.stats().delivered()).isZero(); // no call, no reply: only casts went this way
    }
}
