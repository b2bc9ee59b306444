package org.swarmosgi.registry.internal;

/**
 * A queue of items, each with the time it is due, added in time order (one fixed delay per queue): what is due is
 * at the head, so a tick looks only at that. Entries made stale by their owner (answered, rescheduled) are skipped
 * by the reader; {@link #retain} drops them when they outnumber the live ones. Two growing arrays: nothing is
 * allocated per entry.
 */
final class DueQueue<T> {

    /** Whether an entry still stands. */
    interface Keep<T> {
        boolean keep(T item, long due);
    }

    private Object[] items = new Object[16];
    private long[] times = new long[16];
    private int head;
    private int size;

    void add(T item, long due) {
        if (size == items.length) {
            grow();
        }
        final int i = (head + size) & (items.length - 1);
        items[i] = item;
        times[i] = due;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The time the head is due; the queue must not be empty. */
    long headDue() {
        return times[head];
    }

    /** Removes and returns the head; the queue must not be empty. */
    @SuppressWarnings("unchecked")
    T poll() {
        final T item = (T) items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return item;
    }

    /** Keeps only the entries {@code keep} accepts, in their order. */
    @SuppressWarnings("unchecked")
    void retain(Keep<T> keep) {
        final int mask = items.length - 1;
        int kept = 0;
        for (int k = 0; k < size; k++) {
            final int from = (head + k) & mask;
            final T item = (T) items[from];
            final long due = times[from];
            items[from] = null;
            if (keep.keep(item, due)) {
                final int to = (head + kept) & mask;
                items[to] = item;
                times[to] = due;
                kept++;
            }
        }
        size = kept;
    }

    private void grow() {
        final int n = items.length;
        final Object[] newItems = new Object[n * 2];
        final long[] newTimes = new long[n * 2];
        for (int k = 0; k < size; k++) {
            newItems[k] = items[(head + k) & (n - 1)];
            newTimes[k] = times[(head + k) & (n - 1)];
        }
        items = newItems;
        times = newTimes;
        head = 0;
    }
}
