package org.swarmosgi.benchmarks.registry;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;

/**
 * The bare Aeron round-trip floor, as {@code transport.TransportBenchmark} measures it (same layout
 * as its {@code BareAeronNode}: embedded INVOKER driver, invoked client conductor, one duty-cycle
 * thread with the transport's default backoff, wake-up after an offer from another thread; the pong
 * echoes from its duty cycle). Run between two node JVMs of a registry benchmark, in the same run as
 * the registry's calls, while the nodes idle. A copy, so the transport launchers stay untouched.
 */
final class BareFloor implements AutoCloseable {
    private static final int STREAM_ID = 4243;
    private static final long MAX_PARK_NS = 1_000_000;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentRunner runner;
    volatile Subscription subscription;
    private volatile ExclusivePublication publication;

    private BareFloor(Path dir, boolean pong) {
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.INVOKER)
            .publicationTermBufferLength(2 * 1024 * 1024).asyncExecutorEnabled(false).sharedIdleStrategy(idle()));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()).useConductorAgentInvoker(true));
        final List<Agent> agents = new ArrayList<>();
        agents.add(invoking(driver.sharedAgentInvoker()));
        agents.add(invoking(aeron.conductorAgentInvoker()));
        if (pong) {
            final FragmentHandler echo = (DirectBuffer buffer, int offset, int length, Header header) -> {
                while (publication.offer(buffer, offset, length) < 0) {
                    Thread.onSpinWait();
                }
            };
            agents.add(new Agent() {
                @Override
                public int doWork() {
                    return publication == null || subscription == null ? 0 : subscription.poll(echo, 16);
                }

                @Override
                public String roleName() {
                    return "pong";
                }
            });
        }
        runner = new AgentRunner(idle(), Throwable::printStackTrace, null, new CompositeAgent(agents));
        AgentRunner.startOnThread(runner);
        // After the duty cycle runs: it invokes the driver and the client conductor that answer this.
        subscription = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", STREAM_ID);
    }

    static BareFloor pong(Path dir) {
        return new BareFloor(dir, true);
    }

    static BareFloor ping(Path dir) {
        return new BareFloor(dir, false);
    }

    int boundPort() {
        while (true) {
            for (String a : subscription.localSocketAddresses()) {
                final int p = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
                if (p > 0) {
                    return p;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Opens the publication to the far side and waits until it is connected. */
    void connect(String hostPort) {
        final ExclusivePublication p = aeron.addExclusivePublication("aeron:udp?endpoint=" + hostPort + "|term-length=2m",
            STREAM_ID);
        while (!p.isConnected()) {
            Thread.onSpinWait();
        }
        publication = p;
    }

    /** Ping-pong of 32 B from this thread (the caller's), polling with the duty cycle's backoff. */
    Histogram pingPong(int warmup, int samples) {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
        final IdleStrategy wait = idle();
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
            final Thread t = runner.thread();
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
            wait.reset();
            final long target = pongs[0] + 1;
            while (pongs[0] < target) {
                wait.idle(subscription.poll(onPong, 1));
            }
            wait.reset();
            if (i >= warmup) {
                h.recordValue(System.nanoTime() - start);
            }
        }
        return h;
    }

    private static IdleStrategy idle() {
        return new BackoffIdleStrategy(10, 20, 1_000, MAX_PARK_NS);
    }

    private static Agent invoking(AgentInvoker invoker) {
        return new Agent() {
            @Override
            public void onStart() {
                invoker.start();
            }

            @Override
            public int doWork() {
                return invoker.invoke();
            }

            @Override
            public String roleName() {
                return "invoker";
            }
        };
    }

    @Override
    public void close() {
        CloseHelper.closeAll(runner, aeron, driver);
    }
}
