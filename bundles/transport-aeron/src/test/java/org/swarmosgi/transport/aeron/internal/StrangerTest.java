package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.swarmosgi.api.Endpoint;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.protocol.HeaderFlyweight;
import io.aeron.protocol.SetupFlyweight;

/**
 * Strangers without the key, before any secret is checked: a stock Aeron client churning through
 * publications, and a flood of raw SETUP frames. What the node holds stays bounded by the driver's
 * session limit and is freed when images go away, and the node keeps serving its authenticated peer.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StrangerTest {
    private static final String CLUSTER = "stranger-" + ProcessHandle.current().pid();
    private static final String SECRET = "stranger-secret";
    private static final int SESSION_LIMIT = 16;

    private final ExecutorService handlers = Executors.newSingleThreadExecutor();
    private AeronTransportEngine target;
    private AeronTransportEngine friend;
    private MediaDriver strangerDriver;
    private Aeron stranger;

    @BeforeEach
    void start() {
        final TransportSettings s = TestNodes.settings("stranger-target", CLUSTER, SECRET, 0);
        target = AeronTransportEngine.start(s.withLimits(SESSION_LIMIT, s.reassemblyMaxBytes(), s.transferTimeout()));
        target.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
        friend = AeronTransportEngine.start(TestNodes.settings("stranger-friend", CLUSTER, SECRET, 0));
        final Path dir = TestNodes.NODES_DIR.resolve("stranger-" + UUID.randomUUID());
        strangerDriver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true));
        stranger = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()));
    }

    @AfterEach
    void stop() {
        org.agrona.CloseHelper.closeAll(stranger, strangerDriver, friend, target);
        handlers.shutdownNow();
    }

    private void echo() {
        final ByteBuffer reply = friend.request(target.self(), TestNodes.ECHO, ByteBuffer.allocate(16).putLong(0, 9),
            Duration.ofSeconds(5)).toCompletableFuture().join();
        assertThat(reply.getLong(0)).isEqualTo(9);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * The repro of the issue, smaller (benchmarks' StrangerChurn runs 10,000 for the figure): each
     * publication offers 64 KiB, which Aeron assembles per session. Before, every session's buffer was
     * kept for ever (400 x 64-128 KiB of heap); now at most the session limit's worth is held, and
     * nothing once the images are gone.
     */
    @Test
    void aStrangerChurningThroughPublicationsDoesNotGrowTheHeap() {
        echo();
        final long before = heapAfterGc();
        final int size = 64 * 1024;
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final Endpoint to = target.localEndpoint();
        final String channel = "aeron:udp?endpoint=" + to.host() + ":" + to.port() + "|term-length=1m";
        int offered = 0;
        long maxHeld = 0;
        for (int i = 0; i < 400; i++) {
            try (ExclusivePublication p = stranger.addExclusivePublication(channel, AeronTransportEngine.STREAM_ID)) {
                final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    final long result = p.offer(message, 0, size);
                    if (result > 0) {
                        offered++;
                        break;
                    }
                    if (result == Publication.CLOSED) {
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
            maxHeld = Math.max(maxHeld, target.heldBytes());
            assertThat(target.images()).isLessThanOrEqualTo(SESSION_LIMIT);
        }
        // The driver took no more sessions than its limit at a time (those that got in offered their 64 KiB).
        assertThat(offered).isPositive();
        final long growth = heapAfterGc() - before;
        // Bounded by the session limit: 16 sessions x at most a 128 KiB buffer each.
        assertThat(maxHeld).isLessThanOrEqualTo(SESSION_LIMIT * 128L * 1024);
        assertThat(growth).as("heap growth after %d offered 64 KiB messages", offered).isLessThan(12L * 1024 * 1024);
        // Once the stranger's images are gone, nothing is held for them.
        await().atMost(Duration.ofSeconds(30)).until(() -> target.images() <= 1 && target.heldBytes() == 0);
        assertThat(target.stats().sessions()).isEqualTo(1); // the friend's, none of the stranger's
        echo();
    }

    /** Raw SETUP frames with random session ids: the driver takes at most its session limit; the node serves on. */
    @Test
    void aFloodOfSetupFramesStaysWithinTheSessionLimitWhileThePeerIsServed() throws Exception {
        final List<LogRecord> lines = new CopyOnWriteArrayList<>();
        final Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        final Logger logger = Logger.getLogger(AeronTransportEngine.class.getName());
        logger.addHandler(capture);
        try {
            flood();
        } finally {
            logger.removeHandler(capture);
        }
        // Whatever the driver made of 20,000 setups, the log got a few lines, not one per datagram.
        assertThat(lines).hasSizeLessThan(20);
    }

    private void flood() throws Exception {
        echo(); // the peer's session exists before the flood
        final Random random = new Random(20261130);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[SetupFlyweight.HEADER_LENGTH]);
        final SetupFlyweight setup = new SetupFlyweight();
        setup.wrap(frame);
        final InetAddress host = InetAddress.getByName(target.localEndpoint().host());
        int maxImages = 0;
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 20_000; i++) {
                final int termId = random.nextInt();
                setup.version(HeaderFlyweight.CURRENT_VERSION)
                    .flags((short) 0)
                    .headerType(HeaderFlyweight.HDR_TYPE_SETUP)
                    .frameLength(SetupFlyweight.HEADER_LENGTH);
                setup.termOffset(0)
                    .sessionId(random.nextInt())
                    .streamId(AeronTransportEngine.STREAM_ID)
                    .initialTermId(termId)
                    .activeTermId(termId)
                    .termLength(64 * 1024)
                    .mtuLength(1408)
                    .ttl(0);
                udp.send(new DatagramPacket(frame.byteArray(), SetupFlyweight.HEADER_LENGTH, host,
                    target.localEndpoint().port()));
                if (i % 1000 == 0) {
                    maxImages = Math.max(maxImages, target.images());
                    assertThat(target.images()).isLessThanOrEqualTo(SESSION_LIMIT);
                    echo();
                }
            }
        }
        assertThat(maxImages).as("the driver took the setups up to its limit").isEqualTo(SESSION_LIMIT);
        assertThat(target.images()).isLessThanOrEqualTo(SESSION_LIMIT);
        echo();
        assertThat(target.heldBytes()).isLessThanOrEqualTo(SESSION_LIMIT * 128L * 1024);
    }

    /** One message far above the largest frame: skipped as its fragments pass the bound, never buffered whole. */
    @Test
    void aMessageLargerThanAnyFrameIsSkippedWhileItIsAssembled() {
        echo();
        final long framesBefore = target.stats().frames();
        final int size = 1536 * 1024; // a stranger's term of 16 MiB allows messages up to 2 MiB
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final Endpoint to = target.localEndpoint();
        try (ExclusivePublication p = stranger.addExclusivePublication(
            "aeron:udp?endpoint=" + to.host() + ":" + to.port() + "|term-length=16m", AeronTransportEngine.STREAM_ID)) {
            await().atMost(Duration.ofSeconds(10)).until(p::isConnected);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> p.offer(message, 0, size) > 0);
            await().atMost(Duration.ofSeconds(20)).until(() -> target.stats().dropped(TransportStats.Drop.OVERSIZE) == 1);
            // Housekeeping publishes the held figure every 50 ms: wait for one after the skip.
            await().atMost(Duration.ofSeconds(5)).until(() -> target.heldBytes() <= 256 * 1024);
        }
        assertThat(target.stats().frames()).isEqualTo(framesBefore); // nothing of it reached frame checks
        echo();
    }
}
