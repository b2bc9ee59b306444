package org.swarmosgi.container.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;

/**
 * A real worker for tests, steered by its messages: {@code block} waits on {@link #gate},
 * {@code boom} throws, {@code error} dies of an Error, {@code quit} stops itself, {@code echo:x}
 * answers {@code x}; everything handled is recorded in order.
 */
class Probe implements Worker<String, String> {
    volatile WorkerContext<String> context;
    final List<String> handled = new CopyOnWriteArrayList<>();
    final List<StopReason> stops = new CopyOnWriteArrayList<>();
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger maxInside = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch handoffAsked = new CountDownLatch(1);
    volatile CountDownLatch handoffGate;
    volatile HandoffDecision decision = HandoffDecision.restart();
    volatile byte[] endHandoffState;
    volatile byte[] conflictState;

    Probe(WorkerContext<String> context) {
        this.context = context;
    }

    @Override
    public void onStart(WorkerContext<String> context) {
        this.context = context;
    }

    @Override
    public void endHandoff(byte[] state) {
        endHandoffState = state;
    }

    @Override
    public void handleCast(String message) throws Exception {
        enter();
        try {
            act(message);
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void handleCall(String message, Reply<String> reply) throws Exception {
        enter();
        try {
            act(message);
            reply.reply(message.startsWith("echo:") ? message.substring(5) : "ok:" + message);
        } finally {
            inside.decrementAndGet();
        }
    }

    private void enter() {
        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
    }

    void act(String message) throws Exception {
        switch (message) {
            case "block" -> {
                entered.countDown();
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate never opened");
                }
            }
            case "boom" -> throw new IllegalStateException("boom");
            case "error" -> throw new AssertionError("broken");
            case "quit" -> context.stopSelf();
            default -> {
            }
        }
        handled.add(message);
    }

    @Override
    public HandoffDecision beginHandoff() throws Exception {
        handoffAsked.countDown();
        final CountDownLatch g = handoffGate;
        if (g != null) {
            g.await(30, TimeUnit.SECONDS);
        }
        return decision;
    }

    @Override
    public void resolveConflict(byte[] loserState) {
        conflictState = loserState;
    }

    @Override
    public byte[] checkpoint() {
        return ("handled=" + handled.size()).getBytes();
    }

    @Override
    public void stop(StopReason reason) {
        stops.add(reason);
    }
}
