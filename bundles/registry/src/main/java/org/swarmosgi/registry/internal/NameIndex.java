package org.swarmosgi.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * <p>Why a reader never sees a worker of another name: a slot, once given a name, keeps it for the
 * life of its table. Removing a name only clears its worker and record; the name taking it again
 * finds the same slot; no other name ever uses it. Tables are never resized in place: the writer
 * builds a new one (dropping removed names) and publishes it whole. A new slot's key is published
 * with release after its worker and record; workers and records change with release; readers read
 * them with acquire.
 */
final class NameIndex {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle RECORD = MethodHandles.arrayElementVarHandle(Record[].class);
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final int GOLDEN = 0x9E3779B9;

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

        Table(int capacity) {
            shift = 32 - Integer.numberOfTrailingZeros(capacity);
            mask = capacity - 1;
            hashes = new int[capacity];
            slots = new Object[capacity * 2];
            records = new Record[capacity];
        }

        int home(int hash) {
            return (hash * GOLDEN) >>> shift;
        }
    }

    private volatile Table table = new Table(MIN_CAPACITY);
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
        final int h = name.hashCode();
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
        final int h = r.name.hashCode();
        final int mark = mark(h);
        int i = t.home(h);
        for (; t.hashes[i] != 0; i = (i + 1) & t.mask) {
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
            rebuild(live + 1);
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
    private void rebuild(int names) {
        int capacity = MIN_CAPACITY;
        while (capacity * 3L < names * 8L) {
            if (capacity == MAX_CAPACITY) {
                throw new IllegalStateException("more than " + MAX_CAPACITY / 8 * 3 + " names");
            }
            capacity <<= 1;
        }
        final Table old = table;
        final Table t = new Table(capacity);
        for (int j = 0; j < old.hashes.length; j++) {
            final Record r = old.records[j];
            if (r != null) {
                int i = t.home(r.name.hashCode());
                while (t.hashes[i] != 0) {
                    i = (i + 1) & t.mask;
                }
                t.hashes[i] = old.hashes[j];
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
}
