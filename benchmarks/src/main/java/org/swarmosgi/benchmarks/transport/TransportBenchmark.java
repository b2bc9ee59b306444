package org.swarmosgi.benchmarks.transport;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.transport.aeron.internal.AeronTransportEngine;
import org.swarmosgi.transport.aeron.internal.DriverThreading;
import org.swarmosgi.transport.aeron.internal.IdleKind;
import org.swarmosgi.transport.aeron.internal.TransportSettings;
import org.swarmosgi.test.support.ChildJvm;
import org.swarmosgi.test.support.ChildProcess;
import org.swarmosgi.test.support.Processes;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.FragmentHandler;

/**
 * Two node JVMs on loopback (this one and a {@link BenchPeer}): bare Aeron ping-pong as the floor, then
 * our transport's call round trip (32 B, 1 KiB) and one-way 32 B throughput, printed side by side.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
 *     org.swarmosgi.benchmarks.transport.TransportBenchmark [--samples 10000] [--warmup 2000]
 *     [--messages 2000000] [--threading INVOKER|SHARED] [--idle BACKOFF|SLEEPING] [--max-park-us 1000]</pre>
 */
public final class TransportBenchmark {
    private int samples = 10_000;
    private int warmup = 2_000;
    private long messages = 2_000_000;
    private String threading = "INVOKER";
    private String idle = "BACKOFF";
    private long maxParkUs = 1000;

    /** The far node's answers take this long at the most (the one-way run included); each wait is bounded. */
    private static final Duration ANSWER = Duration.ofMinutes(5);

    private ChildProcess peer;

    private TransportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        final TransportBenchmark b = new TransportBenchmark();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--samples" -> b.samples = Integer.parseInt(args[i + 1]);
                case "--warmup" -> b.warmup = Integer.parseInt(args[i + 1]);
                case "--messages" -> b.messages = Long.parseLong(args[i + 1]);
                case "--threading" -> b.threading = args[i + 1];
                case "--idle" -> b.idle = args[i + 1];
                case "--max-park-us" -> b.maxParkUs = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        b.run();
    }

    private void run() throws Exception {
        final Path work = Files.createTempDirectory("swarm-transport-bench");
        final byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        final long maxParkNs = maxParkUs * 1_000;
        try (Processes processes = new Processes()) {
            final BareAeronNode ping = new BareAeronNode(work.resolve("bare-ping"), threading, idle, maxParkNs, 0, null);
            // Full JIT (no quickStart flags): the far side's latency is measured too.
            peer = processes.start(ChildJvm.of(BenchPeer.class).aeron().stopLine("exit")
                .args(work.toString(), "127.0.0.1:" + ping.boundPort(), threading, idle,
                    Long.toString(maxParkUs), HexFormat.of().formatHex(key)));

            final ExclusivePublication pingPublication = ping.publicationTo("127.0.0.1:" + expect("BARE ").substring(5));
            expect("BARE-CONNECTED");
            final Histogram bare = pingPong(ping, pingPublication, 32, maxParkNs);
            ping.close();
            peer.send("bare-done\n");

            final String[] transport = expect("TRANSPORT ").split(" ");
            final Member far = new Member(new NodeId(transport[2], Long.parseLong(transport[3])), Endpoint.parse(transport[1]));
            final TransportSettings settings = TransportSettings.defaults(
                    new NodeId("bench-local", System.currentTimeMillis() << 16 | ThreadLocalRandom.current().nextInt(1 << 16)), "bench", key, "127.0.0.1", 0,
                    work.resolve("transport-local"))
                .withThreading(DriverThreading.valueOf(threading), IdleKind.valueOf(idle), maxParkNs);
            try (AeronTransportEngine engine = AeronTransportEngine.start(settings)) {
                calls(engine, far, 1024); // warm up the paths of both sizes before measuring either
                final Histogram call32 = calls(engine, far, 32);
                final Histogram call1k = calls(engine, far, 1024);
                final double perSecond = oneWay(engine, far);
                report(bare, call32, call1k, perSecond);
                System.out.println("far side: " + peer.ask("stats", l -> l.startsWith("STATS "), ANSWER).substring(6));
            }
        } finally {
            IoUtil.delete(work.toFile(), true);
        }
    }

    private Histogram pingPong(BareAeronNode ping, ExclusivePublication publication, int size, long maxParkNs) {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        final IdleStrategy wait = BareAeronNode.idle(idle, maxParkNs);
        final long[] pongs = new long[1];
        final FragmentHandler onPong = (b, o, l, h) -> pongs[0]++;
        final Histogram h = new Histogram(3);
        for (int i = 0; i < warmup + samples; i++) {
            final long start = System.nanoTime();
            buffer.putLong(0, start);
            while (publication.offer(buffer, 0, size) < 0) {
                wait.idle();
            }
            ping.wakeDutyCycle();
            wait.reset();
            final long target = pongs[0] + 1;
            while (pongs[0] < target) {
                wait.idle(ping.subscription.poll(onPong, 1));
            }
            wait.reset();
            if (i >= warmup) {
                h.recordValue(System.nanoTime() - start);
            }
        }
        return h;
    }

    private Histogram calls(AeronTransportEngine engine, Member far, int size) {
        final ByteBuffer payload = ByteBuffer.allocateDirect(size);
        final Histogram h = new Histogram(3);
        final Duration timeout = Duration.ofSeconds(5);
        for (int i = 0; i < warmup + samples; i++) {
            final long start = System.nanoTime();
            engine.request(far, BenchPeer.ECHO, payload, timeout).toCompletableFuture().join();
            if (i >= warmup) {
                h.recordValue(System.nanoTime() - start);
            }
        }
        return h;
    }

    private double oneWay(AeronTransportEngine engine, Member far) {
        final ByteBuffer payload = ByteBuffer.allocateDirect(32);
        // Warm up the path first, then the measured run.
        for (long n : new long[] {messages / 4, messages}) {
            peer.ask("expect " + n, l -> l.equals("EXPECTING"), ANSWER);
            final int from = peer.lineCount(); // RECEIVED comes only after the sends below
            final long start = System.nanoTime();
            for (long i = 0; i < n; i++) {
                payload.putLong(0, i);
                engine.send(far, BenchPeer.SINK, payload);
            }
            // Polled every 10 ms: at most 10 ms late on a run of seconds.
            peer.awaitLine(from, l -> l.startsWith("RECEIVED "), ANSWER);
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (n == messages) {
                return n / seconds;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private void report(Histogram bare, Histogram call32, Histogram call1k, double perSecond) {
        System.out.printf("%nTransport benchmark: 2 JVMs on 127.0.0.1, threading=%s idle=%s max-park=%d us, %d samples "
            + "after %d warm-up, %d cores%n", threading, idle, maxParkUs, samples, warmup,
            Runtime.getRuntime().availableProcessors());
        System.out.printf("%-26s %10s %10s %10s %10s%n", "round trip (us)", "p50", "p99", "p99.9", "max");
        row("bare Aeron ping-pong 32 B", bare);
        row("swarm call 32 B", call32);
        row("swarm call 1 KiB", call1k);
        final double ratio = (double) call32.getValueAtPercentile(50) / bare.getValueAtPercentile(50);
        System.out.printf("p50 ratio swarm/bare (32 B): %.2f (target <= 1.5)%n", ratio);
        System.out.printf("swarm one-way 32 B: %,.0f authenticated msgs/s over %,d messages (target >= 500,000)%n",
            perSecond, messages);
    }

    private static void row(String name, Histogram h) {
        System.out.printf("%-26s %10.1f %10.1f %10.1f %10.1f%n", name, h.getValueAtPercentile(50) / 1e3,
            h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }

    /** The far node's first line starting with {@code prefix} (each is printed once). */
    private String expect(String prefix) {
        return peer.awaitLine(l -> l.startsWith(prefix), ANSWER);
    }
}
