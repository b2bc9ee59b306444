package org.swarmosgi.transport.aeron.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.swarmosgi.api.Member;

/**
 * A node in its own JVM for multi-JVM tests, driven over stdin/stdout one command per line.
 * Arguments: name cluster secret port.
 */
public final class PeerMain {
    private PeerMain() {
    }

    public static void main(String[] args) throws Exception {
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        final TransportSettings settings = TestNodes.settings(args[0], args[1], args[2], Integer.parseInt(args[3]));
        final ExecutorService handlers = Executors.newSingleThreadExecutor();
        final ExecutorService slow = Executors.newSingleThreadExecutor();
        final CountDownLatch unblock = new CountDownLatch(1);
        final Sink sink = new Sink();
        try (AeronTransportEngine engine = AeronTransportEngine.start(settings)) {
            engine.handle(TestNodes.ECHO, handlers, m -> m.reply(m.payload()));
            engine.handle(TestNodes.SINK, handlers, sink);
            engine.handle(TestNodes.HOLD, handlers, m -> { });
            engine.handle(TestNodes.DIGEST, handlers, m -> m.reply(ByteBuffer.wrap(TestNodes.sha256(m.payload()))));
            engine.handle(TestNodes.FAILING, handlers, m -> {
                throw new IllegalStateException("boom");
            });
            engine.handle(TestNodes.BLOCKED, slow, m -> {
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                m.reply(m.payload());
            });
            out.println("READY " + TestNodes.format(engine.self()));
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                final String[] c = line.trim().split(" ");
                try {
                    switch (c[0]) {
                        case "blast" -> {
                            final Member to = TestNodes.member(c[1]);
                            final int count = Integer.parseInt(c[2]);
                            final ByteBuffer b = ByteBuffer.allocateDirect(32);
                            for (long i = 1; i <= count; i++) {
                                b.clear();
                                b.putLong(0, i);
                                engine.send(to, TestNodes.SINK, b);
                            }
                            out.println("BLASTED " + count);
                        }
                        case "call" -> {
                            final ByteBuffer reply = engine.request(TestNodes.member(c[1]), TestNodes.ECHO,
                                TestNodes.bytes(Integer.parseInt(c[2]), 7), Duration.ofSeconds(5)).toCompletableFuture().join();
                            out.println("REPLY " + reply.remaining());
                        }
                        case "drops" -> out.println("DROPS " + engine.stats().dropped(TransportStats.Drop.valueOf(c[1])));
                        case "sink" -> out.println("SINK " + sink.count.get() + " " + sink.violations.get());
                        case "unblock" -> {
                            unblock.countDown();
                            out.println("OK");
                        }
                        case "release" -> {
                            engine.release(TestNodes.member(c[1]), "test");
                            out.println("OK");
                        }
                        case "exit" -> {
                            return;
                        }
                        default -> out.println("ERROR unknown command " + c[0]);
                    }
                } catch (RuntimeException e) {
                    out.println("ERROR " + e);
                }
            }
        } finally {
            handlers.shutdownNow();
            slow.shutdownNow();
            out.println("BYE");
        }
    }
}
