package org.swarmosgi.registry.internal;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;

/**
 * The latest registrations an owner granted, by who asked (origin and request id): the name and the worker
 * that started. A request sent again because its answer was lost is answered OK with that worker again, not
 * "already registered" with its own worker. The last {@code capacity} grants only, oldest forgotten first: a
 * resend comes within the retry delay, long before that many later registrations push it out.
 *
 * <p>A ring of parallel arrays with an open-addressing index over it, so a grant costs no object: a
 * {@code LinkedHashMap} of grant records spent an entry and a record (72 bytes) per registration, which
 * outlived several young collections before falling out (copied twice). Keyed by the request id, not the
 * name: ids come from the requesting node's counter (after the MAC check), names from anyone's caller, and
 * names made to share a {@code hashCode} would make a probe a scan. Registry thread only.
 */
final class GrantLog {
    private static final int FIRST_LENGTH = 64;
    private final int capacity;
    // The ring, grown by doubling up to capacity (a registry that grants little holds little).
    private NodeId[] origins;
    private long[] corrs;
    private String[] names;
    private WorkerRef[] refs;
    /** Open addressing: ring position + 1, 0 = empty; twice the ring, so at most half full. */
    private int[] index;
    private int mask;
    private int next;
    private int size;

    GrantLog(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.capacity = capacity;
        allocate(Math.min(capacity, FIRST_LENGTH));
    }

    private void allocate(int length) {
        origins = new NodeId[length];
        corrs = new long[length];
        names = new String[length];
        refs = new WorkerRef[length];
        index = new int[length * 2];
        mask = index.length - 1;
    }

    /** Records that {@code name} went to {@code ref} for the request {@code corr} of {@code origin}. */
    void put(NodeId origin, long corr, String name, WorkerRef ref) {
        final int found = find(origin, corr);
        final int at;
        if (found >= 0) {
            at = found; // the same request granted again: the latest answer replaces the first
        } else {
            if (size == corrs.length && size < capacity) {
                grow();
            }
            at = next;
            next = (next + 1) & (corrs.length - 1);
            if (size == corrs.length) {
                unindex(at); // the oldest grant goes
            } else {
                size++;
            }
            origins[at] = origin;
            corrs[at] = corr;
            index(at);
        }
        names[at] = name;
        refs[at] = ref;
    }

    /** The worker granted {@code name} for that request, or null if none was (or it was forgotten, or logged without one). */
    WorkerRef granted(NodeId origin, long corr, String name) {
        final int at = find(origin, corr);
        return at >= 0 && names[at].equals(name) ? refs[at] : null;
    }

    /** True when {@code name} was logged for that request, with a worker or none (a claim given up). */
    boolean has(NodeId origin, long corr, String name) {
        final int at = find(origin, corr);
        return at >= 0 && names[at].equals(name);
    }

    private void index(int at) {
        int i = home(corrs[at]);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = at + 1;
    }

    /** Doubles the ring (full: its oldest entry is at {@code next}), keeping the order, oldest first. */
    private void grow() {
        final NodeId[] o = origins;
        final long[] c = corrs;
        final String[] n = names;
        final WorkerRef[] r = refs;
        allocate(c.length * 2);
        for (int k = 0; k < size; k++) {
            final int from = (next + k) & (c.length - 1);
            origins[k] = o[from];
            corrs[k] = c[from];
            names[k] = n[from];
            refs[k] = r[from];
            index(k);
        }
        next = size;
    }

    int size() {
        return size;
    }

    private int find(NodeId origin, long corr) {
        for (int i = home(corr); ; i = (i + 1) & mask) {
            final int e = index[i];
            if (e == 0) {
                return -1;
            }
            if (corrs[e - 1] == corr && origins[e - 1].equals(origin)) {
                return e - 1;
            }
        }
    }

    /** Removes ring position {@code at} from the index, shifting back later entries of its run (no tombstones). */
    private void unindex(int at) {
        int hole = home(corrs[at]);
        while (index[hole] != at + 1) {
            hole = (hole + 1) & mask;
        }
        for (int j = (hole + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            final int h = home(corrs[index[j] - 1]);
            // index[j] may move to the hole unless its home lies cyclically in (hole, j].
            final boolean homeBetween = hole <= j ? hole < h && h <= j : hole < h || h <= j;
            if (!homeBetween) {
                index[hole] = index[j];
                hole = j;
            }
        }
        index[hole] = 0;
    }

    private int home(long corr) {
        long z = corr * 0x9E3779B97F4A7C15L;
        z ^= z >>> 29;
        return (int) z & mask;
    }
}
