package org.swarmosgi.benchmarks.registry;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.swarmosgi.benchmarks.transport.BareAeronNode;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.FragmentHandler;

/**
 * The bare Aeron round-trip floor on the transport benchmark's {@link BareAeronNode} (embedded
 * INVOKER driver, invoked client conductor, one duty-cycle thread with the transport's default
 * backoff, wake-up after an offer from another thread), the pong echoing from its duty cycle. Run
 * between two node JVMs of a registry benchmark, in the same run as the registry's calls, while the
 * nodes idle.
 */
final class BareFloor implements AutoCloseable {
    private static final long MAX_PARK_NS = 1_000_000;
    private static final String IDLE = "BACKOFF";

    private volatile BareAeronNode node;
    private volatile ExclusivePublication publication;

    private BareFloor(Path dir, boolean pong) {
        node = new BareAeronNode(dir, "INVOKER", IDLE, MAX_PARK_NS, 0, pong ? echo() : null);
    }

    /** The pong: echoes every message on the duty cycle, as the floor must. */
    private Agent echo() {
        final FragmentHandler echo = (buffer, offset, length, header) -> {
            while (publication.offer(buffer, offset, length) < 0) {
                Thread.onSpinWait();
            }
        };
        return new Agent() {
            @Override
            public int doWork() {
                final BareAeronNode n = node;
                return n == null || publication == null ? 0 : n.subscription.poll(echo, 16);
            }

            @Override
            public String roleName() {
                return "pong";
            }
        };
    }

    static BareFloor pong(Path dir) {
        return new BareFloor(dir, true);
    }

    static BareFloor ping(Path dir) {
        return new BareFloor(dir, false);
    }

    int boundPort() {
        return node.boundPort();
    }

    /** Opens the publication to the far side and waits until it is connected. */
    void connect(String hostPort) {
        publication = node.publicationTo(hostPort);
    }

    /** Ping-pong of 32 B from this thread (the caller's), polling with the duty cycle's backoff. */
    Histogram pingPong(int warmup, int samples) {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        final IdleStrategy wait = BareAeronNode.idle(IDLE, MAX_PARK_NS);
        final long[] pongs = new long[1];
        final FragmentHandler onPong = (b, o, l, h) -> pongs[0]++;
        final Histogram h = new Histogram(3);
        final ExclusivePublication p = publication;
        for (int i = 0; i < warmup + samples; i++) {
            final long start = System.nanoTime();
            buffer.putLong(0, start);
            while (p.offer(buffer, 0, 32) < 0) {
                wait.idle();
            }
            node.wakeDutyCycle();
            wait.reset();
            final long target = pongs[0] + 1;
            while (pongs[0] < target) {
                wait.idle(node.subscription.poll(onPong, 1));
            }
            wait.reset();
            if (i >= warmup) {
                h.recordValue(System.nanoTime() - start);
            }
        }
        return h;
    }

    @Override
    public void close() {
        node.close();
    }
}
