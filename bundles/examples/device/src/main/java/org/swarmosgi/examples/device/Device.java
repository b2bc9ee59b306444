package org.swarmosgi.examples.device;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.Reply;
import org.swarmosgi.api.Timer;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerContext;

/**
 * One device: joins the group {@value #GROUP} when it starts, then ticks every interval on a
 * {@link WorkerContext#schedule timer}, counting ticks. On a move it hands its interval, tick count and
 * how often it moved to its next instance, which sets its timer again.
 *
 * <p>Calls (UTF-8 text): {@code ticks} answers the tick count, {@code moves} how many handoffs its state
 * went through, {@code report} answers {@code <name>: <ticks> ticks every <interval> ms} (what a
 * {@code multicall} to the group collects).
 */
final class Device implements Worker<String, String> {

    static final String GROUP = "devices";
    static final String TICK = "tick";
    static final long DEFAULT_INTERVAL_MS = 1_000;
    static final long MIN_INTERVAL_MS = 10;
    static final long MAX_INTERVAL_MS = 3_600_000;
    private static final System.Logger LOG = System.getLogger(Device.class.getName());

    private long intervalMs;
    private long ticks;
    private long moves;
    private WorkerContext<String> context;
    private Timer timer;

    Device(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    @Override
    public void onStart(WorkerContext<String> context) {
        this.context = context;
        context.registry().join(GROUP, context.name()).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "{0} could not join {1}: {2}", context.name(), GROUP, error);
            }
        });
        schedule();
    }

    @Override
    public void handleCast(String message) {
        if (TICK.equals(message)) {
            ticks++;
            LOG.log(System.Logger.Level.DEBUG, "{0} says hi ({1})", context.name(), ticks);
            schedule();
            return;
        }
        throw new IllegalArgumentException("a device takes no cast but its own tick, got '" + cut(message) + "'");
    }

    @Override
    public void handleCall(String message, Reply<String> reply) {
        switch (message.strip()) {
            case "ticks" -> reply.reply(Long.toString(ticks));
            case "moves" -> reply.reply(Long.toString(moves));
            case "report" -> reply.reply(context.name() + ": " + ticks + " ticks every " + intervalMs + " ms");
            default -> reply.fail("a device answers 'ticks', 'moves' or 'report', not '" + cut(message) + "'");
        }
    }

    @Override
    public HandoffDecision beginHandoff() {
        return HandoffDecision.resume(ByteBuffer.allocate(24).putLong(intervalMs).putLong(ticks).putLong(moves + 1).array());
    }

    @Override
    public void endHandoff(byte[] state) {
        // 16 bytes from versions before the move count: a new version takes its older version's state
        if (state == null || state.length != 16 && state.length != 24) {
            throw new IllegalArgumentException("device state is 24 bytes (interval, ticks, moves), or 16 (interval, "
                    + "ticks), was " + (state == null ? "null" : state.length));
        }
        final ByteBuffer b = ByteBuffer.wrap(state);
        intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, b.getLong()));
        ticks = Math.max(0, b.getLong());
        moves = b.hasRemaining() ? Math.max(0, b.getLong()) : 1;
        if (timer != null) {
            timer.cancel();
        }
        schedule();
    }

    private void schedule() {
        timer = context.schedule(Duration.ofMillis(intervalMs), TICK);
    }

    /** Start arguments: empty, or an interval in ms from {@value #MIN_INTERVAL_MS} to {@value #MAX_INTERVAL_MS}. */
    static long interval(byte[] args) {
        if (args == null || args.length == 0) {
            return DEFAULT_INTERVAL_MS;
        }
        final String text = Codec.UTF8.decode(args).strip();
        try {
            final long ms = Long.parseLong(text);
            if (ms >= MIN_INTERVAL_MS && ms <= MAX_INTERVAL_MS) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("device start argument must be a tick interval in ms from "
                + MIN_INTERVAL_MS + " to " + MAX_INTERVAL_MS + ", was '" + cut(text) + "'");
    }

    private static String cut(String s) {
        final String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() <= 40 ? one : one.substring(0, 37) + "...";
    }

    static byte[] args(long intervalMs) {
        return Long.toString(intervalMs).getBytes(StandardCharsets.UTF_8);
    }
}
