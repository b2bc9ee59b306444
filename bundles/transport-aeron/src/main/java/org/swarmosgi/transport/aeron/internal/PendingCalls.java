package org.swarmosgi.transport.aeron.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.agrona.DeadlineTimerWheel;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.transport.TransportException.Reason;
import org.swarmosgi.transport.aeron.internal.codec.Kind;

/**
 * Requests waiting for replies, and their timeouts: one Agrona timer wheel on the duty-cycle thread,
 * not a scheduled task per call. Whoever removes a call from the map delivers its outcome, so each is
 * delivered exactly once; {@link CallFuture} sees to it that no user code runs on the duty cycle.
 */
final class PendingCalls implements Agent {
    private static final long TICK_NS = 1L << 20; // ~1 ms; the wheel wants a power of two
    private static final long CONNECTIVITY_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConcurrentHashMap<Long, PendingCall> calls = new ConcurrentHashMap<>();
    private final Queue<PendingCall> sent = new ConcurrentLinkedQueue<>();
    private final Predicate<NodeId> connected;
    private final Consumer<NodeId> timedOut;
    private final TransportStats stats;
    private final String name;
    // Duty-cycle thread only.
    private final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), TICK_NS, 1024);
    private final Long2ObjectHashMap<PendingCall> timers = new Long2ObjectHashMap<>();
    private final DeadlineTimerWheel.TimerHandler onTimer = this::onTimer;
    private long nextConnectivityCheckNs;

    PendingCalls(Predicate<NodeId> connected, Consumer<NodeId> timedOut, TransportStats stats, String name) {
        this.timedOut = timedOut;
        this.connected = connected;
        this.stats = stats;
        this.name = name;
    }

    @Override
    public String roleName() {
        return name;
    }

    void register(PendingCall call) {
        calls.put(call.correlationId, call);
    }

    /** The request is in the publication: start its timer and watch its peer. */
    void sent(PendingCall call) {
        sent.offer(call);
    }

    void fail(PendingCall call, Throwable error) {
        if (calls.remove(call.correlationId, call)) {
            completeExceptionally(call, error);
        }
    }

    /** Fails every call to {@code peer}: its stream went away, so no reply can come. */
    void failPeer(NodeId peer, String why) {
        for (PendingCall call : calls.values()) {
            if (call.peer.id().equals(peer)) {
                fail(call, new TransportException(Reason.NOT_CONNECTED, peer + ": " + why));
            }
        }
    }

    void failAll(TransportException error) {
        for (PendingCall call : calls.values()) {
            fail(call, error);
        }
    }

    /** On the duty-cycle thread: a reply, a remote failure, or "no handler" from {@code from}. */
    void answer(long correlationId, NodeId from, Kind kind, ByteBuffer payload) {
        final PendingCall call = calls.get(correlationId);
        if (call == null || !call.peer.id().equals(from) || !calls.remove(correlationId, call)) {
            stats.drop(TransportStats.Drop.LATE_REPLY);
            return;
        }
        if (call.timerId != DeadlineTimerWheel.NULL_DEADLINE) {
            wheel.cancelTimer(call.timerId);
            timers.remove(call.timerId);
        }
        stats.countDelivered();
        switch (kind) {
            case REPLY -> complete(call, payload);
            case NO_HANDLER -> completeExceptionally(call, new TransportException(Reason.NO_HANDLER,
                from + " has no handler for the topic"));
            default -> completeExceptionally(call, new TransportException(Reason.REMOTE_ERROR,
                from + ": " + StandardCharsets.UTF_8.decode(payload)));
        }
    }

    @Override
    public int doWork() {
        int work = 0;
        PendingCall call;
        while ((call = sent.poll()) != null) {
            work++;
            if (calls.get(call.correlationId) == call) {
                call.timerId = wheel.scheduleTimer(call.deadlineNs);
                timers.put(call.timerId, call);
            }
        }
        final long now = System.nanoTime();
        work += wheel.poll(now, onTimer, 256);
        if (now >= nextConnectivityCheckNs) {
            nextConnectivityCheckNs = now + CONNECTIVITY_CHECK_NS;
            checkConnectivity();
        }
        return work;
    }

    private boolean onTimer(TimeUnit unit, long now, long timerId) {
        final PendingCall call = timers.remove(timerId);
        if (call != null && calls.remove(call.correlationId, call)) {
            timedOut.accept(call.peer.id());
            completeExceptionally(call, new SwarmTimeoutException(
                "no reply from " + call.peer + " within " + call.timeoutMs + " ms"));
        }
        return true;
    }

    /** A call whose publication lost its receiver cannot be answered: fail it now, not at its timeout. */
    private void checkConnectivity() {
        if (timers.isEmpty()) {
            return;
        }
        for (final Long2ObjectHashMap<PendingCall>.ValueIterator it = timers.values().iterator(); it.hasNext(); ) {
            final PendingCall call = it.next();
            if (!calls.containsKey(call.correlationId)) {
                continue;
            }
            if (!connected.test(call.peer.id())) {
                fail(call, new TransportException(Reason.NOT_CONNECTED, call.peer + ": the stream lost its receiver"));
            }
        }
    }

    private static void complete(PendingCall call, ByteBuffer payload) {
        call.future.deliver(payload, null);
    }

    private static void completeExceptionally(PendingCall call, Throwable error) {
        call.future.deliver(null, error);
    }
}
