package org.swarmosgi.registry.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;

import org.swarmosgi.api.WorkerRef;

/**
 * The replica's view, name to winning record: written only by the registry thread, read lock-free by
 * any thread. It replaces a {@code ConcurrentHashMap}, whose lookup of a cold name paid one dependent
 * cache miss each for the table slot, the node, the key String, its bytes and the record.
 *
 * <p>Open addressing with linear probing over two arrays read at the same index: {@code hashes} (the
 * name's {@code hashCode}, so a probe past other names touches nothing else) and {@code slots}, each
 * slot's key and record side by side in one cache line. The key of a Latin-1 name is a copy of its
 * bytes (the lookup reads them straight from the slot, not through a String); any other name keeps
 * its String. A cold lookup thus waits for two misses (slot, then key bytes and record together).
 *
 * <p>Why a reader never sees a record of another name: a slot, once given a name, keeps it for the
 * life of its table. Removing a name only clears its record; the name taking it again finds the same
 * slot; no other name ever uses it. Tables are never resized in place: the writer builds a new one
 * (dropping removed names) and publishes it whole. The key is published with release after its
 * bytes, hash and first record; records change with release; readers read them with acquire.
 */
final class NameIndex {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final int MIN_CAPACITY = 16;
    private static final int MAX_CAPACITY = 1 << 30;
    private static final int GOLDEN = 0x9E3779B9;

    /** One generation; its arrays only ever gain names. */
    private static final class Table {
        final int shift;
        final int mask;
        /** Nonzero (see {@link #mark}) once the slot has a name. */
        final int[] hashes;
        /** [2i] the key (byte[] Latin-1 or String), [2i+1] its record, or null while it has none. */
        final Object[] slots;

        Table(int capacity) {
            shift = 32 - Integer.numberOfTrailingZeros(capacity);
            mask = capacity - 1;
            hashes = new int[capacity];
            slots = new Object[capacity * 2];
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
        final Record r = get(name);
        return r == null ? null : r.ref;
    }

    /** The record of {@code name}, or null. Any thread. */
    Record get(String name) {
        final Table t = table;
        final int h = name.hashCode();
        final int mark = mark(h);
        final int[] hashes = t.hashes;
        final Object[] slots = t.slots;
        for (int i = t.home(h); ; i = (i + 1) & t.mask) {
            final int m = hashes[i];
            if (m == 0) {
                return null;
            }
            if (m == mark) {
                final Object key = SLOT.getAcquire(slots, 2 * i);
                // Read before the key is compared so that both cache misses are in flight at once.
                final Record r = (Record) SLOT.getAcquire(slots, 2 * i + 1);
                if (key != null && matches(key, name)) {
                    return r;
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
            if (t.hashes[i] == mark && matches(t.slots[2 * i], r.name)) {
                if (t.slots[2 * i + 1] == null) {
                    live++;
                }
                SLOT.setRelease(t.slots, 2 * i + 1, r);
                return;
            }
        }
        if ((used + 1) * 2 > t.hashes.length) {
            rebuild(live + 1);
            put(r);
            return;
        }
        t.hashes[i] = mark;
        t.slots[2 * i + 1] = r;
        SLOT.setRelease(t.slots, 2 * i, key(r.name));
        used++;
        live++;
    }

    /** Removes {@code name}; its slot keeps the name until the next rebuild. Registry thread. */
    void remove(String name) {
        final Table t = table;
        final int h = name.hashCode();
        final int mark = mark(h);
        for (int i = t.home(h); t.hashes[i] != 0; i = (i + 1) & t.mask) {
            if (t.hashes[i] == mark && matches(t.slots[2 * i], name)) {
                if (t.slots[2 * i + 1] != null) {
                    SLOT.setRelease(t.slots, 2 * i + 1, null);
                    live--;
                }
                return;
            }
        }
    }

    /** Every name and the worker holding it, from one table. Any thread. */
    Map<String, WorkerRef> registered() {
        final Object[] slots = table.slots;
        final Map<String, WorkerRef> out = new HashMap<>();
        for (int i = 1; i < slots.length; i += 2) {
            final Record r = (Record) SLOT.getAcquire(slots, i);
            if (r != null) {
                out.put(r.name, r.ref);
            }
        }
        return out;
    }

    /** Names held. Registry thread. */
    int size() {
        return live;
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
            final Record r = (Record) old.slots[2 * j + 1];
            if (r != null) {
                int i = t.home(r.name.hashCode());
                while (t.hashes[i] != 0) {
                    i = (i + 1) & t.mask;
                }
                t.hashes[i] = old.hashes[j];
                t.slots[2 * i] = old.slots[2 * j];
                t.slots[2 * i + 1] = r;
            }
        }
        used = live;
        table = t;
    }

    private static int mark(int hash) {
        return hash == 0 ? 1 : hash;
    }

    /** A Latin-1 name's bytes (no String to read through on lookup); any other name as it is. */
    private static Object key(String name) {
        final int n = name.length();
        final byte[] b = new byte[n];
        for (int j = 0; j < n; j++) {
            final char c = name.charAt(j);
            if (c > 0xFF) {
                return name;
            }
            b[j] = (byte) c;
        }
        return b;
    }

    private static boolean matches(Object key, String name) {
        if (key instanceof byte[] b) {
            final int n = b.length;
            if (name.length() != n) {
                return false;
            }
            for (int j = 0; j < n; j++) {
                if ((b[j] & 0xFF) != name.charAt(j)) {
                    return false;
                }
            }
            return true;
        }
        return name.equals(key);
    }
}
