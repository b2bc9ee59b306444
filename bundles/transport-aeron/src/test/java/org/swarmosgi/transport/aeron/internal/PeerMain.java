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
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.membership.core.MembershipEngine;

/**
 * A node in its own JVM for multi-JVM tests, driven over stdin/stdout one command per line.
 * Arguments: name cluster secret port [membership]. With "membership" it also runs a real membership
 * engine (unicast, gossip) whose events connect and release transport links, as the DS component does.
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
            final MembershipEngine membership = args.length > 4 && args[4].equals("membership")
                ? TestNodes.membership(engine, args[1], args[2]) : null;
            final java.util.Map<String, int[]> seen = new java.util.concurrent.ConcurrentHashMap<>();
            if (membership != null) {
                membership.subscribe(new MembershipListener() {
                    @Override
                    public void memberUp(Member member) {
                        seen.computeIfAbsent(member.id().name(), n -> new int[2])[0]++;
                        engine.connectLater(member);
                    }

                    @Override
                    public void memberDown(Member member, DownReason reason) {
                        seen.computeIfAbsent(member.id().name(), n -> new int[2])[1]++;
                        engine.release(member, reason.toString());
                    }
                });
            }
            out.println("READY " + TestNodes.format(engine.self())
                + (membership == null ? "" : " " + membership.localAddress().getPort()));
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
                        case "seen" -> {
                            final int[] counts = seen.getOrDefault(c[1], new int[2]);
                            out.println("SEEN " + counts[0] + " " + counts[1]);
                        }
                        case "call-member" -> {
                            final Member to = membership.members().stream().filter(m -> m.id().name().equals(c[1]))
                                .findFirst().orElseThrow(() -> new IllegalStateException(c[1] + " is not a member"));
                            final ByteBuffer reply = engine.request(to, TestNodes.ECHO, TestNodes.bytes(16, 1),
                                Duration.ofSeconds(2)).toCompletableFuture().join();
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
            if (membership != null) {
                membership.close();
            }
        } finally {
            handlers.shutdownNow();
            slow.shutdownNow();
            out.println("BYE");
        }
    }
}
