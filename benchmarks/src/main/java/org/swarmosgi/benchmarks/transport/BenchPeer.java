package org.swarmosgi.benchmarks.transport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.Agent;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.transport.aeron.internal.AeronTransportEngine;
import org.swarmosgi.transport.aeron.internal.DriverThreading;
import org.swarmosgi.transport.aeron.internal.IdleKind;
import org.swarmosgi.transport.aeron.internal.TransportSettings;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.FragmentHandler;

/**
 * The far node of {@link TransportBenchmark}, in its own JVM: first a bare Aeron pong, then our
 * transport with an echo topic and a counting sink. Driven over stdin/stdout.
 * Arguments: workDir pingerHostPort threading idle maxParkUs key-hex.
 */
public final class BenchPeer {
    static final int ECHO = 1000;
    static final int SINK = 1001;

    private BenchPeer() {
    }

    public static void main(String[] args) throws Exception {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final Path work = Path.of(args[0]);
        final String pinger = args[1];
        final String threading = args[2];
        final String idle = args[3];
        final long maxParkNs = Long.parseLong(args[4]) * 1_000;
        final byte[] key = java.util.HexFormat.of().parseHex(args[5]);

        // Bare Aeron pong: echo every ping from the duty-cycle thread itself.
        final Pong pong = new Pong();
        BareAeronNode bare = new BareAeronNode(work.resolve("bare-pong"), threading, idle, maxParkNs, 0, pong);
        pong.node = bare;
        out.println("BARE " + bare.boundPort());
        pong.publication = bare.publicationTo(pinger);
        out.println("BARE-CONNECTED");

        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        in.readLine(); // "bare-done"
        bare.close();
        bare = null;

        final TransportSettings settings = TransportSettings.defaults(
                new NodeId("bench-peer", System.currentTimeMillis() << 16 | ThreadLocalRandom.current().nextInt(1 << 16)), "bench", key, "127.0.0.1", 0,
                work.resolve("transport-peer"))
            .withThreading(DriverThreading.valueOf(threading), IdleKind.valueOf(idle), maxParkNs);
        final ExecutorService handlers = Executors.newSingleThreadExecutor();
        final AtomicLong received = new AtomicLong();
        final AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
        try (AeronTransportEngine engine = AeronTransportEngine.start(settings)) {
            engine.handle(ECHO, handlers, m -> m.reply(m.payload()));
            engine.handle(SINK, handlers, m -> {
                if (received.incrementAndGet() == expected.get()) {
                    out.println("RECEIVED " + expected.get());
                }
            });
            // The peer's identity too: messages are addressed to one incarnation of a node.
            out.println("TRANSPORT " + engine.localEndpoint() + " " + engine.self().id().name() + " "
                + engine.self().id().incarnation());
            String line;
            while ((line = in.readLine()) != null && !line.equals("exit")) {
                if (line.startsWith("expect ")) {
                    received.set(0);
                    expected.set(Long.parseLong(line.substring(7)));
                    out.println("EXPECTING");
                } else if (line.equals("stats")) {
                    out.println("STATS " + engine.stats());
                }
            }
        } finally {
            handlers.shutdownNow();
        }
    }

    /** Sends each ping straight back. */
    private static final class Pong implements Agent, FragmentHandler {
        volatile BareAeronNode node;
        volatile ExclusivePublication publication;

        @Override
        public int doWork() {
            final BareAeronNode n = node;
            return n == null || publication == null ? 0 : n.subscription.poll(this, 16);
        }

        @Override
        public void onFragment(org.agrona.DirectBuffer buffer, int offset, int length, io.aeron.logbuffer.Header header) {
            while (publication.offer(buffer, offset, length) < 0) {
                Thread.onSpinWait();
            }
        }

        @Override
        public String roleName() {
            return "pong";
        }
    }
}
