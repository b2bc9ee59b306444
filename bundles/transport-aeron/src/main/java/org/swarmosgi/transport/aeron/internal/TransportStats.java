package org.swarmosgi.transport.aeron.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.swarmosgi.api.metrics.Metric;

/**
 * Counters of one transport (kept by its supervisor across engine restarts): what was delivered and
 * what was dropped, by reason. Written by the duty-cycle thread only (single writer: a plain read and
 * a release store, no lock prefix, no allocation), read by anyone with a volatile (acquire) read; the
 * error counters alone take atomic increments (Aeron reports errors from its threads too), and
 * messages sent a {@link LongAdder} (senders are the callers' threads: striped cells, nothing lost,
 * no contention on one cache line).
 */
public final class TransportStats {

    /** Why an inbound frame or message was dropped. */
    public enum Drop {
        /** Too short, unknown schema or template, or fields that do not fit the frame. */
        MALFORMED,
        /** The MAC did not match: wrong secret, tampered or random bytes. */
        BAD_MAC,
        /** A data frame on a stream that never sent a valid HELLO (a stranger, or a stream joined late). */
        NO_SESSION,
        /** A sequence number or HELLO nonce seen before. */
        REPLAY,
        /** A HELLO with a valid MAC naming another cluster. */
        WRONG_CLUSTER,
        /** A HELLO addressed to another endpoint. */
        WRONG_TARGET,
        /** A HELLO whose timestamp is outside the accepted window. */
        STALE_HELLO,
        /** A message for a topic nobody handles (requests are answered NO_HANDLER). */
        NO_HANDLER,
        /** The handler's executor refused the message. */
        EXECUTOR_REJECTED,
        /** A chunk out of order, too large, or a reassembled payload whose checksum failed. */
        BAD_TRANSFER,
        /** A reply for a call that timed out, failed or came from another peer than asked. */
        LATE_REPLY,
        /** A Message or Chunk whose sequence is not the previous + 1: the stream is broken, its session dropped. */
        GAP,
        /** An Aeron message longer than the largest frame this node accepts (skipped while being assembled). */
        OVERSIZE
    }

    private static final Drop[] DROPS = Drop.values();
    private static final int FRAMES = DROPS.length;
    private static final int DELIVERED = FRAMES + 1;
    private static final int SESSIONS = FRAMES + 2;
    private static final int ERRORS = FRAMES + 3;
    private static final int FATAL = FRAMES + 4;
    private static final int DUTY_CYCLES = FRAMES + 5;
    private static final int RESTARTS = FRAMES + 6;

    private final AtomicLongArray counters = new AtomicLongArray(DROPS.length + 7);
    private final LongAdder sent = new LongAdder();

    /** Any thread: a message, request or reply handed to Aeron whole. */
    void countSent() {
        sent.increment();
    }

    /** The duty-cycle thread, once per turn: liveness reads it. */
    void countDutyCycle() {
        increment(DUTY_CYCLES);
    }

    /** The supervisor's thread: a failed engine was replaced. */
    void countRestart() {
        counters.getAndIncrement(RESTARTS);
    }

    /** Messages, requests and replies sent (every frame of them in the publication). */
    public long sent() {
        return sent.sum();
    }

    public long dutyCycles() {
        return counters.get(DUTY_CYCLES);
    }

    /** Any thread: an error on the duty cycle or reported by Aeron. */
    void countError() {
        counters.getAndIncrement(ERRORS);
    }

    void countFatal() {
        counters.getAndIncrement(FATAL);
    }

    /** Errors on the duty cycle or reported by Aeron (driver and client), fatal or not. */
    public long errors() {
        return counters.get(ERRORS);
    }

    /** Errors that made the transport unusable (it closed; a supervisor restarts it). */
    public long fatalErrors() {
        return counters.get(FATAL);
    }

    void drop(Drop reason) {
        increment(reason.ordinal());
    }

    void countFrame() {
        increment(FRAMES);
    }

    void countDelivered() {
        increment(DELIVERED);
    }

    void countSession() {
        increment(SESSIONS);
    }

    private void increment(int index) {
        counters.lazySet(index, counters.get(index) + 1);
    }

    public long dropped(Drop reason) {
        return counters.get(reason.ordinal());
    }

    /** All drops, of any reason except {@link Drop#NO_HANDLER} and {@link Drop#LATE_REPLY}. */
    public long rejected() {
        long sum = 0;
        for (Drop d : DROPS) {
            if (d != Drop.NO_HANDLER && d != Drop.LATE_REPLY) {
                sum += counters.get(d.ordinal());
            }
        }
        return sum;
    }

    /** Frames taken from Aeron (after Aeron's own reassembly). */
    public long frames() {
        return counters.get(FRAMES);
    }

    /** Messages and replies handed on, after authentication. */
    public long delivered() {
        return counters.get(DELIVERED);
    }

    /** Inbound sessions accepted (valid HELLOs). */
    public long sessions() {
        return counters.get(SESSIONS);
    }

    public Map<Drop, Long> drops() {
        final Map<Drop, Long> map = new EnumMap<>(Drop.class);
        for (Drop d : DROPS) {
            map.put(d, counters.get(d.ordinal()));
        }
        return map;
    }

    /** The figures for {@code org.swarmosgi.api.metrics} readers (shell, JMX, Prometheus). */
    public List<Metric> metrics() {
        final List<Metric> m = new ArrayList<>(DROPS.length + 8);
        m.add(Metric.counter("swarm_transport_messages_sent_total",
            "Messages, requests and replies this node sent to peers", sent()));
        m.add(Metric.counter("swarm_transport_messages_received_total",
            "Messages, requests and replies received from peers and handed on, after authentication", delivered()));
        m.add(Metric.counter("swarm_transport_frames_received_total",
            "Frames taken from Aeron, before any check", frames()));
        m.add(Metric.counter("swarm_transport_sessions_total", "Inbound streams accepted (valid HELLOs)", sessions()));
        for (Drop d : DROPS) {
            m.add(Metric.counter("swarm_transport_dropped_total",
                "Inbound frames or messages dropped, by reason (BAD_MAC, WRONG_CLUSTER, REPLAY: forged or foreign)",
                Map.of("reason", d.name()), dropped(d)));
        }
        m.add(Metric.counter("swarm_transport_duty_cycles_total", "Turns of the transport's duty-cycle thread",
            dutyCycles()));
        m.add(Metric.counter("swarm_transport_errors_total",
            "Errors on the transport's duty cycle or reported by Aeron, fatal or not", errors()));
        m.add(Metric.counter("swarm_transport_fatal_errors_total",
            "Errors that made the transport unusable (it was withdrawn and restarted)", fatalErrors()));
        m.add(Metric.counter("swarm_transport_restarts_total", "Failed transports replaced by a fresh one",
            counters.get(RESTARTS)));
        return m;
    }

    @Override
    public String toString() {
        return "frames=" + frames() + " sent=" + sent() + " delivered=" + delivered() + " sessions=" + sessions() + " errors=" + errors()
            + " drops=" + drops();
    }
}
