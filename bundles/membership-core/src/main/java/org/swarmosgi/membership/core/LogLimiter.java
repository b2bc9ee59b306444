package org.swarmosgi.membership.core;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decides which refusals reach the log: per key (a source and a reason), the first one at once, then
 * at most one line per interval carrying how many happened since the last line. Bounded: at most
 * {@code capacity} keys, idle ones expire; when every slot is busy, new keys share one overflow window,
 * so a flood from many sources still gives one line per interval, never one per datagram. Pure state
 * with explicit time; one thread.
 */
final class LogLimiter {


    private final int capacity;
    private final long intervalNanos;
    /** Ordered by the time each key last logged: the eldest is the first to expire. */
    private final LinkedHashMap<Object, Window> windows = new LinkedHashMap<>();
    /** Shared by every key that found no free slot; null until one did. */
    private Window overflow;

    private static final class Window {
        long loggedAt;
        long since;
    }

    LogLimiter(int capacity, long intervalNanos) {
        if (capacity < 1 || intervalNanos <= 0) {
            throw new IllegalArgumentException("capacity and interval must be positive");
        }
        this.capacity = capacity;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Counts one occurrence of {@code key} at {@code now} (nanoseconds).
     *
     * @return 0 to stay quiet, else the number of occurrences the line to log now stands for
     */
    long hit(Object key, long now) {
        Window window = windows.get(key);
        if (window == null) {
            expire(now);
            if (windows.size() >= capacity) {
                if (overflow == null) {
                    overflow = new Window();
                    overflow.loggedAt = now;
                    return 1;
                }
                return count(overflow, now);
            }
            window = new Window();
            window.loggedAt = now;
            windows.put(key, window);
            return 1;
        }
        final long count = count(window, now);
        if (count > 0) {
            windows.remove(key); // to the end of the order: the newest line
            windows.put(key, window);
        }
        return count;
    }

    private long count(Window window, long now) {
        window.since++;
        if (now - window.loggedAt < intervalNanos) {
            return 0;
        }
        final long count = window.since;
        window.since = 0;
        window.loggedAt = now;
        return count;
    }

    /** Whether {@code key}, just counted, found no slot of its own and went to the overflow. */
    boolean isOverflow(Object key) {
        return !windows.containsKey(key);
    }

    /** Keys that hold state now: at most the capacity, plus the overflow. */
    int size() {
        return windows.size() + (overflow != null ? 1 : 0);
    }

    /**
     * Drops keys that logged more than an interval ago. Their occurrences since are still in the
     * engine's counters; only the line that would have carried them is not written.
     */
    private void expire(long now) {
        for (Iterator<Map.Entry<Object, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue().loggedAt < intervalNanos) {
                break;
            }
            it.remove();
        }
        if (overflow != null && now - overflow.loggedAt >= intervalNanos) {
            overflow = null;
        }
    }
}
