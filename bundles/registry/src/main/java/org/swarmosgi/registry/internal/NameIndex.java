package org.swarmosgi.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

import org.swarmosgi.api.WorkerRef;

/**
 * The replica's view, name to winning record: written only by the registry thread, read lock-free by
 * any thread. It replaces a {@code ConcurrentHashMap}, whose lookup of a cold name touched five
 * cache lines, one after the other: the table slot, the node, the key String, its bytes, the record.
 *
 * <p>Open addressing with linear probing over arrays read at the same index: {@code hashes} (the
 * name's {@code hashCode}: a probe past other names reads nothing else), {@code slots} (the name's
 * String and the worker holding it side by side, so {@code whereis} never reads the record) and
 * {@code records} (for the registry thread and {@link #registered}). A cold {@code whereis} with an
 * equal String touches four lines (hash and slot at once, then the key String and its bytes); with
 * the very String stored, two.
 *
 * <p>Why the names' bytes are not copied into the table (measured at 1,000,000 names, benchmarks/README.md,
 * third session of 2026-11-30): 16 bytes inline per slot make the array a lookup reads first 32 MB at
 * 2^21 slots, which then no longer stays in the last-level cache (180 vs 110 ns); a per-table byte
 * arena the slot points to keeps the arrays small, but comparing the caller's String with its bytes
 * (a {@code charAt} loop, 8 chars a word, {@code getChars} or {@code getBytes} and {@code Arrays.equals})
 * cost 180-300 ns against 110-140 for the key String and {@code String.equals}, one short intrinsic.
 * Exact compares only: no hash stands in for the name.
 *
 * <p>Why a reader never sees a worker of another name: a slot, once given a name, keeps it for the
 * life of its table. Removing a name only clears its worker and record; the name taking it again
 * finds the same slot; no other name ever uses it. Tables are never resized in place: the writer
 * builds a new one (dropping removed names) and publishes it whole. A new slot's key is published
 * with release after its worker and record; workers and records change with release; readers read
 * them with acquire.
 *
 * <p>Names may come from outside (a device id, a user id), and equal {@code String.hashCode}s are
 * easy to make ("Aa" and "BB"): thousands of them would make every operation on them a scan. A put
 * that probes past {@link #MAX_PROBE} slots rebuilds the table keyed: from then on names are hashed
 * with SipHash-1-3 under a random key of this index, which no caller can aim at.
 */
final class NameIndex {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle RECORD = MethodHandles.arrayElementVarHandle(Record[].class);
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final int GOLDEN = 0x9E3779B9;
    /** Far above the longest run random names make in a table at most half full. */
    static final int MAX_PROBE = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One generation; its arrays only ever gain names. */
    private static final class Table {
        final int shift;
        final int mask;
        /** Nonzero (see {@link #mark}) once the slot has a name. */
        final int[] hashes;
        /** [2i] the name (a String), [2i+1] the worker holding it, or null while none does. */
        final Object[] slots;
        /** The record of that worker, or null. */
        final Record[] records;
        /** Hashing with SipHash under (k0, k1) instead of {@code String.hashCode}. */
        final boolean keyed;
        final long k0;
        final long k1;

        Table(int capacity, boolean keyed, long k0, long k1) {
            this.keyed = keyed;
            this.k0 = k0;
            this.k1 = k1;
            shift = 32 - Integer.numberOfTrailingZeros(capacity);
            mask = capacity - 1;
            hashes = new int[capacity];
            slots = new Object[capacity * 2];
            records = new Record[capacity];
        }

        int home(int hash) {
            return (hash * GOLDEN) >>> shift;
        }

        int hash(String name) {
            return keyed ? sipHash13(name, k0, k1) : name.hashCode();
        }
    }

    private volatile Table table = new Table(MIN_CAPACITY, false, 0, 0);
    // Registry thread only.
    private int live;
    private int used;

    /** The worker holding {@code name}, or null. Any thread. */
    WorkerRef whereis(String name) {
        final Table t = table;
        final int at = find(t, name);
        return at < 0 ? null : (WorkerRef) SLOT.getAcquire(t.slots, 2 * at + 1);
    }

    /** The record of {@code name}, or null. Any thread. */
    Record get(String name) {
        final Table t = table;
        final int at = find(t, name);
        return at < 0 ? null : (Record) RECORD.getAcquire(t.records, at);
    }

    /** The slot holding {@code name} in {@code t}, or -1. */
    private static int find(Table t, String name) {
        final int h = t.hash(name);
        final int mark = mark(h);
        final int[] hashes = t.hashes;
        final Object[] slots = t.slots;
        for (int i = t.home(h); ; i = (i + 1) & t.mask) {
            final int m = hashes[i];
            if (m == 0) {
                return -1;
            }
            if (m == mark) {
                final Object key = SLOT.getAcquire(slots, 2 * i);
                if (key == name || name.equals(key)) {
                    return i;
                }
            }
        }
    }

    /** Makes {@code r} the record of {@code r.name}. Registry thread. */
    void put(Record r) {
        final Table t = table;
        final int h = t.hash(r.name);
        final int mark = mark(h);
        int i = t.home(h);
        for (int probes = 0; t.hashes[i] != 0; i = (i + 1) & t.mask) {
            if (++probes > MAX_PROBE && !t.keyed) {
                rebuild(live + 1, true);
                put(r);
                return;
            }
            if (t.hashes[i] == mark && r.name.equals(t.slots[2 * i])) {
                if (t.records[i] == null) {
                    live++;
                }
                RECORD.setRelease(t.records, i, r);
                SLOT.setRelease(t.slots, 2 * i + 1, r.ref);
                return;
            }
        }
        if ((used + 1) * 2 > t.hashes.length) {
            rebuild(live + 1, t.keyed);
            put(r);
            return;
        }
        t.hashes[i] = mark;
        t.records[i] = r;
        t.slots[2 * i + 1] = r.ref;
        SLOT.setRelease(t.slots, 2 * i, r.name);
        used++;
        live++;
    }

    /** Removes {@code name}; its slot keeps the name until the next rebuild. Registry thread. */
    void remove(String name) {
        final Table t = table;
        final int at = find(t, name);
        if (at >= 0 && t.records[at] != null) {
            SLOT.setRelease(t.slots, 2 * at + 1, null);
            RECORD.setRelease(t.records, at, null);
            live--;
        }
    }

    /** Every name and the worker holding it, from one table. Any thread. */
    Map<String, WorkerRef> registered() {
        final Record[] records = table.records;
        final Map<String, WorkerRef> out = new HashMap<>();
        for (int i = 0; i < records.length; i++) {
            final Record r = (Record) RECORD.getAcquire(records, i);
            if (r != null) {
                out.put(r.name, r.ref);
            }
        }
        return out;
    }

    /**
     * A new table without removed names, published whole: at most 3/8 full, so that at least 1/8 of it
     * fills before the next rebuild (a name removed and another added at the threshold cost O(1) each).
     */
    private void rebuild(int names, boolean keyed) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L < names * 8L) {
            if (capacity == MAX_CAPACITY) {
                throw new IllegalStateException("more than " + MAX_CAPACITY / 8 * 3 + " names");
            }
            capacity <<= 1;
        }
        final Table old = table;
        final Table t = keyed == old.keyed ? new Table(capacity, keyed, old.k0, old.k1)
            : new Table(capacity, true, RANDOM.nextLong(), RANDOM.nextLong());
        for (int j = 0; j < old.hashes.length; j++) {
            final Record r = old.records[j];
            if (r != null) {
                final int h = t.hash(r.name); // String caches its hashCode; keyed tables hash again
                int i = t.home(h);
                while (t.hashes[i] != 0) {
                    i = (i + 1) & t.mask;
                }
                t.hashes[i] = mark(h);
                t.slots[2 * i] = old.slots[2 * j];
                t.slots[2 * i + 1] = r.ref;
                t.records[i] = r;
            }
        }
        used = live;
        table = t;
    }

    private static int mark(int hash) {
        return hash == 0 ? 1 : hash;
    }

    /** True once the table hashes with its key (it was attacked, or unlucky). */
    boolean keyed() {
        return table.keyed;
    }

    /** The longest distance of a name from its home slot now. Tests. */
    int longestProbe() {
        final Table t = table;
        int longest = 0;
        for (int i = 0; i < t.hashes.length; i++) {
            if (t.hashes[i] != 0) {
                longest = Math.max(longest, (i - t.home(t.hashes[i])) & t.mask);
            }
        }
        return longest;
    }

    /** SipHash-1-3 of the name's UTF-16 units, four to a word, the length in the last word's top bits. */
    static int sipHash13(String s, long k0, long k1) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        final int n = s.length();
        int i = 0;
        long m;
        for (; ; i += 4) {
            final boolean last = n - i < 4;
            if (last) {
                m = (long) n << 48;
                for (int j = 0; i + j < n; j++) {
                    m |= (long) s.charAt(i + j) << (16 * j);
                }
            } else {
                m = s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48;
            }
            v3 ^= m;
            // one SipRound
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
            if (last) {
                break;
            }
        }
        v2 ^= 0xff;
        for (int r = 0; r < 3; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        final long h = v0 ^ v1 ^ v2 ^ v3;
        return (int) (h ^ (h >>> 32));
    }
}
