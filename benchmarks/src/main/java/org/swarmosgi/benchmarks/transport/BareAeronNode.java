package org.swarmosgi.benchmarks.transport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;

/**
 * Bare Aeron with the transport's driver and thread layout (embedded driver, client conductor invoked,
 * one duty-cycle thread, same idle strategy, and the same wake-up of a parked duty cycle after an
 * offer from another thread), and nothing else: the floor our transport is measured against. Aeron's
 * own samples (Ping/Pong) busy-spin, which on 2 cores measures the scheduler instead.
 */
public final class BareAeronNode implements AutoCloseable {
    static final int STREAM_ID = 4242;

    final MediaDriver driver;
    final Aeron aeron;
    final AgentRunner runner;
    public final Subscription subscription;

    public BareAeronNode(Path dir, String threading, String idle, long maxParkNs, int port, Agent extra) {
        final ThreadingMode mode = ThreadingMode.valueOf(threading);
        driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
            .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(mode)
            .publicationTermBufferLength(2 * 1024 * 1024).asyncExecutorEnabled(false)
            .sharedIdleStrategy(idle(idle, maxParkNs)));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()).useConductorAgentInvoker(true));
        final List<Agent> agents = new ArrayList<>();
        if (mode == ThreadingMode.INVOKER) {
            agents.add(invoking(driver.sharedAgentInvoker()));
        }
        agents.add(invoking(aeron.conductorAgentInvoker()));
        if (extra != null) {
            agents.add(extra);
        }
        runner = new AgentRunner(idle(idle, maxParkNs), Throwable::printStackTrace, null, new CompositeAgent(agents));
        AgentRunner.startOnThread(runner);
        subscription = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:" + port, STREAM_ID);
    }

    public int boundPort() {
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

    /** After an offer from another thread: the driver runs on the duty cycle, so let it send now. */
    public void wakeDutyCycle() {
        final Thread t = runner.thread();
        if (t != null) {
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    public ExclusivePublication publicationTo(String hostPort) {
        final ExclusivePublication p = aeron.addExclusivePublication("aeron:udp?endpoint=" + hostPort
            + "|term-length=2m", STREAM_ID);
        while (!p.isConnected()) {
            Thread.onSpinWait();
        }
        return p;
    }

    public static IdleStrategy idle(String kind, long maxParkNs) {
        return "SLEEPING".equals(kind) ? new SleepingIdleStrategy(maxParkNs) : new BackoffIdleStrategy(10, 20, 1_000, maxParkNs);
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
