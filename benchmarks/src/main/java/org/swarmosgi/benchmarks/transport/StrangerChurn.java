package org.swarmosgi.benchmarks.transport;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.transport.aeron.internal.AeronTransportEngine;
import org.swarmosgi.transport.aeron.internal.TransportSettings;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * A stranger without the key churns through Aeron sessions at a node: a stock Aeron client (its own
 * driver) opens a publication to the node's port, offers one message, closes it, N times. Prints the
 * node JVM's heap used after a full GC before and after (the node runs in this JVM; the stranger's
 * buffers are off-heap). Run:
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *   org.swarmosgi.benchmarks.transport.StrangerChurn 10000 65536
 * </pre>
 */
public final class StrangerChurn {
    private static final int STREAM_ID = 0x5357;

    private StrangerChurn() {
    }

    public static void main(String[] args) throws Exception {
        final int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int size = args.length > 1 ? Integer.parseInt(args[1]) : 64 * 1024;
        final Path work = Files.createTempDirectory("stranger-churn");
        final byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        final TransportSettings settings = TransportSettings.defaults(
            new NodeId("churn-target", System.currentTimeMillis() << 16), "churn", key, "127.0.0.1", 0,
            work.resolve("target"));
        try (AeronTransportEngine target = AeronTransportEngine.start(settings);
             MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
                 .aeronDirectoryName(work.resolve("stranger").toString()).threadingMode(ThreadingMode.SHARED)
                 .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
             Aeron stranger = Aeron.connect(new Aeron.Context().aeronDirectoryName(work.resolve("stranger").toString()))) {
            final Endpoint to = target.localEndpoint();
            final long before = heapAfterGc();
            final long start = System.nanoTime();
            final int offered = churn(stranger, to, count, size, TimeUnit.MILLISECONDS.toNanos(50));
            final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            final long after = heapAfterGc();
            System.out.printf("publications=%d size=%d offered=%d in %d s; heap used after GC: before=%.1f MiB after=%.1f MiB "
                    + "growth=%.1f MiB; held: %s; node stats: %s%n", count, size, offered, seconds, before / 1048576.0,
                after / 1048576.0, (after - before) / 1048576.0, held(target), target.stats());
            // The images of the last publications linger (Aeron's image liveness, 10 s): measure once they are gone.
            Thread.sleep(15_000); // a figure, not a test: wait out the liveness timeout
            final long settled = heapAfterGc();
            System.out.printf("15 s later: heap used after GC=%.1f MiB growth=%.1f MiB; held: %s%n", settled / 1048576.0,
                (settled - before) / 1048576.0, held(target));
        }
    }

    /** Opens, offers once into and closes {@code count} publications; returns how many offers were taken. */
    static int churn(Aeron stranger, Endpoint to, int count, int size, long waitNs) {
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final byte[] noise = new byte[size];
        new Random(7).nextBytes(noise);
        message.putBytes(0, noise);
        // A small term keeps the node's image files small; a stranger may pick up to 1 GiB (see README).
        final String channel = "aeron:udp?endpoint=" + to.host() + ":" + to.port() + "|term-length=1m";
        int offered = 0;
        for (int i = 0; i < count; i++) {
            try (ExclusivePublication p = stranger.addExclusivePublication(channel, STREAM_ID)) {
                final long deadline = System.nanoTime() + waitNs;
                while (System.nanoTime() < deadline) {
                    final long result = p.offer(message, 0, size);
                    if (result > 0) {
                        offered++;
                        break;
                    }
                    if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
        }
        return offered;
    }

    /** The node's held-state counters, where the engine has them (by reflection: runs against older engines too). */
    private static String held(AeronTransportEngine target) {
        try {
            return "bytes=" + AeronTransportEngine.class.getMethod("heldBytes").invoke(target)
                + " sessions=" + AeronTransportEngine.class.getMethod("heldSessions").invoke(target);
        } catch (ReflectiveOperationException e) {
            return "n/a (this engine has no held-state counters)";
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
