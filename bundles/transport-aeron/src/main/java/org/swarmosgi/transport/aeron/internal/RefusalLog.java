package org.swarmosgi.transport.aeron.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Logs refusals and driver errors without letting a flood of them flood the log or the heap: the first
 * of each (source, reason) in an interval is logged at once, later ones are counted and summed up in one
 * line when the interval ends, and then forgotten, so the table never fills up for good. At most
 * {@code maxKeys} pairs are tracked per interval; the rest are counted together. Thread-safe (the
 * driver's error handler may run on a driver thread).
 */
final class RefusalLog {
    private final System.Logger log;
    private final String name;
    private final long intervalNs;
    private final int maxKeys;
    private final Map<Key, long[]> counts = new HashMap<>();
    private long untracked;
    private long intervalEndNs;
    private boolean started;
    private long lines;

    private record Key(String source, String reason) {
    }

    RefusalLog(System.Logger log, String name, long intervalNs, int maxKeys) {
        this.log = log;
        this.name = name;
        this.intervalNs = intervalNs;
        this.maxKeys = maxKeys;
    }

    /** A refused frame from {@code source}. */
    void refused(String source, Object reason, long nowNs) {
        record(source, String.valueOf(reason), null, nowNs);
    }

    /** An error Aeron reported: the stack trace once per interval and kind, then counts. */
    void error(Throwable error, long nowNs) {
        final String message = error.getMessage();
        final String reason = error.getClass().getName()
            + (message == null ? "" : ": " + (message.length() > 200 ? message.substring(0, 200) : message));
        record("aeron", reason, error, nowNs);
    }

    private synchronized void record(String source, String reason, Throwable error, long nowNs) {
        roll(nowNs);
        final Key key = new Key(source, reason);
        final long[] count = counts.get(key);
        if (count != null) {
            count[0]++;
            return;
        }
        if (counts.size() >= maxKeys) {
            untracked++;
            return;
        }
        counts.put(key, new long[1]);
        lines++;
        if (error == null) {
            log.log(System.Logger.Level.WARNING, "{0}: dropped a frame from {1}: {2} (more from this source for this "
                + "reason are counted and summed up every {3} s)", name, source, reason, intervalNs / 1_000_000_000L);
        } else {
            log.log(System.Logger.Level.WARNING, name + ": Aeron reported an error (the same again is counted and "
                + "summed up every " + intervalNs / 1_000_000_000L + " s)", error);
        }
    }

    /** Ends the interval when due: one line per pair seen again, then a clean table. */
    synchronized void roll(long nowNs) {
        if (started && nowNs - intervalEndNs < 0) {
            return;
        }
        started = true;
        intervalEndNs = nowNs + intervalNs;
        for (Map.Entry<Key, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] > 0) {
                lines++;
                log.log(System.Logger.Level.WARNING, "{0}: {1} more from {2}: {3}", name, e.getValue()[0],
                    e.getKey().source(), e.getKey().reason());
            }
        }
        if (untracked > 0) {
            lines++;
            log.log(System.Logger.Level.WARNING, "{0}: {1} more refusals from other sources or reasons", name, untracked);
        }
        counts.clear();
        untracked = 0;
    }

    /** Pairs tracked in the current interval (bounded by maxKeys). */
    synchronized int tracked() {
        return counts.size();
    }

    /** Lines logged so far. */
    synchronized long lines() {
        return lines;
    }
}
