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
 * publishes a new, empty one that points to the one it replaces ({@code prev}) and moves the live
 * names over a few slots per put, so no put copies the whole table (a rebuild of 262,144 names on
 * the registry thread made a round of registrations stall). A new slot's key is published with
 * release after its worker and record; workers and records change with release; readers read them
 * with acquire.
 *
 * <p>While names move, the new table decides for every name it holds a slot of; a name it does not
 * hold yet is read in {@code prev}. The writer puts into the new table only and leaves {@code prev}'s
 * entry as it was (a reader that missed the new table just before the put then reads the value that
 * was current when it looked); a removal clears the name in both. So a reader that misses the new
 * table reads in {@code prev} a value the name had at some moment of its lookup.
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
        /**
         * The table this one replaces while its names move here (same hashing), then null. A reader reads it
         * before it searches this table: had it read it after a miss, the move could have finished (and
         * cleared it) between, with the name moved behind the reader's back. Read first, non-null means the
         * old table still holds every name not yet in this one when the search missed it; null means every
         * name was here already.
         */
        volatile Table prev;

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
    /** The next slot of {@code table.prev} to move, and how many to look at per put. */
    private int cursor;
    private int stepsPerPut;

    /** The worker holding {@code name}, or null. Any thread. */
    WorkerRef whereis(String name) {
        final Table t = table;
        final Table p = t.prev; // before t is searched: see prev
        final int at = find(t, name);
        if (at >= 0) {
            return (WorkerRef) SLOT.getAcquire(t.slots, 2 * at + 1);
        }
        final int was = p == null ? -1 : find(p, name);
        return was < 0 ? null : (WorkerRef) SLOT.getAcquire(p.slots, 2 * was + 1);
    }

    /** The record of {@code name}, or null. Any thread. */
    Record get(String name) {
        final Table t = table;
        final Table p = t.prev; // before t is searched: see prev
        final int at = find(t, name);
        if (at >= 0) {
            return (Record) RECORD.getAcquire(t.records, at);
        }
        final int was = p == null ? -1 : find(p, name);
        return was < 0 ? null : (Record) RECORD.getAcquire(p.records, was);
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
        if (t.prev != null) {
            move(t, stepsPerPut);
        }
        final int h = t.hash(r.name);
        final int mark = mark(h);
        int i = t.home(h);
        for (int probes = 0; t.hashes[i] != 0; i = (i + 1) & t.mask) {
            if (++probes > MAX_PROBE && !t.keyed) {
                rebuildKeyed();
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
            grow();
            put(r);
            return;
        }
        if (!liveIn(t.prev, r.name)) {
            live++;
        }
        t.hashes[i] = mark;
        t.records[i] = r;
        t.slots[2 * i + 1] = r.ref;
        SLOT.setRelease(t.slots, 2 * i, r.name);
        used++;
    }

    /** Removes {@code name}; its slot keeps the name until its table is replaced. Registry thread. */
    void remove(String name) {
        final Table t = table;
        final int at = find(t, name);
        final Table p = t.prev;
        final int was = p == null ? -1 : find(p, name);
        final boolean wasLive = at >= 0 ? t.records[at] != null : was >= 0 && p.records[was] != null;
        if (at >= 0 && t.records[at] != null) {
            SLOT.setRelease(t.slots, 2 * at + 1, null);
            RECORD.setRelease(t.records, at, null);
        }
        if (was >= 0 && p.records[was] != null) { // the name's entry there is what a reader missing t reads
            SLOT.setRelease(p.slots, 2 * was + 1, null);
            RECORD.setRelease(p.records, was, null);
        }
        if (wasLive) {
            live--;
        }
    }

    /** True if {@code p} (null: none) has a record of {@code name}. */
    private static boolean liveIn(Table p, String name) {
        final int at = p == null ? -1 : find(p, name);
        return at >= 0 && p.records[at] != null;
    }

    /** Every name and the worker holding it (names moving: from both tables). Any thread. */
    Map<String, WorkerRef> registered() {
        final Table t = table;
        final Map<String, WorkerRef> out = new HashMap<>();
        final Table p = t.prev;
        if (p != null) {
            for (int i = 0; i < p.records.length; i++) {
                final Record r = (Record) RECORD.getAcquire(p.records, i);
                if (r != null && find(t, r.name) < 0) {
                    out.put(r.name, r.ref);
                }
            }
        }
        for (int i = 0; i < t.records.length; i++) {
            final Record r = (Record) RECORD.getAcquire(t.records, i);
            if (r != null) {
                out.put(r.name, r.ref);
            }
        }
        return out;
    }

    /** True while names move from a replaced table. Tests. */
    boolean moving() {
        return table.prev != null;
    }

    /**
     * Moves up to {@code steps} more slots' names, so that a move ends even when puts stop (until it ends, a
     * lookup of a name not moved yet searches both tables). Registry thread, on its tick.
     */
    void keepMoving(int steps) {
        final Table t = table;
        if (t.prev != null) {
            move(t, steps);
        }
    }

    /**
     * Publishes a new, empty table that points to the current one; puts move the live names over. At most
     * 3/8 of it is taken by the names moving, so that at least 1/8 fills before the next growth (a name
     * removed and another added at the threshold cost O(1) each); it looks at 64 x (old capacity / new
     * capacity) slots of the old table per put (32 when it doubles), so the move ends after 1/64 of the new
     * table's slots have been put, well before it is half full, and lookups of names not moved yet (two
     * searches) are rare.
     */
    private void grow() {
        final Table old = table;
        if (old.prev != null) {
            move(old, Integer.MAX_VALUE); // not expected (see above); a table never points to two
        }
        final Table t = new Table(capacity(live + 1), old.keyed, old.k0, old.k1);
        t.prev = old;
        cursor = 0;
        stepsPerPut = Math.max(1, (int) (64L * old.hashes.length / t.hashes.length));
        used = 0;
        table = t;
    }

    /** Looks at up to {@code steps} more slots of {@code t.prev}, moving their live names into {@code t}. */
    private void move(Table t, int steps) {
        final Table p = t.prev;
        final int end = (int) Math.min(p.hashes.length, (long) cursor + steps);
        for (int j = cursor; j < end; j++) {
            final Record r = p.records[j];
            if (r != null && find(t, r.name) < 0) { // a name put since lives in t already
                final int h = t.hash(r.name);
                int i = t.home(h);
                while (t.hashes[i] != 0) {
                    i = (i + 1) & t.mask;
                }
                t.hashes[i] = mark(h);
                t.records[i] = r;
                t.slots[2 * i + 1] = r.ref;
                SLOT.setRelease(t.slots, 2 * i, p.slots[2 * j]);
                used++;
            }
        }
        cursor = end;
        if (end == p.hashes.length) {
            t.prev = null;
        }
    }

    /**
     * Names are hashed with SipHash under a new random key from now on: a new table without removed
     * names, built whole and published (rare: only names made or unlucky enough to share hashes).
     */
    private void rebuildKeyed() {
        final Table old = table;
        if (old.prev != null) {
            move(old, Integer.MAX_VALUE);
        }
        final Table t = new Table(capacity(live + 1), true, RANDOM.nextLong(), RANDOM.nextLong());
        for (int j = 0; j < old.hashes.length; j++) {
            final Record r = old.records[j];
            if (r != null) {
                final int h = t.hash(r.name);
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

    /** The smallest capacity at most 3/8 full with {@code names}. */
    private static int capacity(int names) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L < names * 8L) {
            if (capacity == MAX_CAPACITY) {
                throw new IllegalStateException("more than " + MAX_CAPACITY / 8 * 3 + " names");
            }
            capacity <<= 1;
        }
        return capacity;
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
