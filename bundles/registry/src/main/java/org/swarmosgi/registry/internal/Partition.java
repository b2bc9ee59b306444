package org.swarmosgi.registry.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.ring.NameHash;

/**
 * The records one host wrote, as this node knows them, grouped in {@value #BUCKETS} buckets by the top
 * bits of the name's ring hash (ranges of the ring), each with a digest, so two nodes find what
 * differs by comparing {@value #BUCKETS} numbers and then send only the buckets that differ.
 *
 * <p>{@link #appliedSeq} is the host's sequence up to which every operation is applied here, in
 * order; records above it came early through a reply (provisional) and are confirmed when their
 * operation or a sync arrives. Registry thread only.
 */
final class Partition {
    static final int BUCKET_BITS = 10;
    static final int BUCKETS = 1 << BUCKET_BITS;

    final NodeId host;
    private final Bucket[] buckets = new Bucket[BUCKETS];
    private final long[] digests = new long[BUCKETS];
    private int size;
    long appliedSeq;
    /** True once a sync with the host completed (or this is our own partition). */
    boolean synced;
    /** The worker types the host offers, as it last said; its roles. */
    Set<String> types = Set.of();
    Set<String> roles = Set.of();
    // Sync in flight: its nonce, when to ask again, operations that arrived meanwhile.
    long syncNonce;
    long syncDeadline;
    /** Parts of the sync's answer received; how many there are (0: the last not seen yet); the last's types, roles. */
    int syncParts;
    int syncExpected;
    Set<String> syncTypes;
    Set<String> syncRoles;
    final List<Op> heldOps = new ArrayList<>();
    /**
     * A record was applied early (from an answer) while a sync was in flight: the digests the sync was asked
     * with no longer describe this replica, so a bucket the host skipped as equal may hold what the host has
     * removed since. The sync is asked again when it ends.
     */
    boolean changedDuringSync;
    /** The request of the sync in flight, kept to ask it once more (same nonce) when the host may have dropped it. */
    Msg.SyncRequest syncAsk;
    /** The sync's request was sent once more after the timeout, nothing of the answer having come. */
    boolean syncAskedAgain;
    /** The nonce of the host's latest sync request this node answered: a resend of it is not answered twice. */
    long answeredNonce;

    Partition(NodeId host) {
        this.host = host;
    }

    static int bucket(String name) {
        return (int) (NameHash.hash64(name) >>> (64 - BUCKET_BITS));
    }

    int size() {
        return size;
    }

    Record get(String name) {
        return get(name, bucket(name));
    }

    /** {@link #get(String)} with the name's bucket computed already. */
    Record get(String name, int bucket) {
        final Bucket b = buckets[bucket];
        return b == null ? null : b.get(name);
    }

    /** Puts a record; returns the one it replaced, or null. */
    Record put(Record record) {
        return put(record, bucket(record.name));
    }

    /** {@link #put(Record)} with the name's bucket computed already. */
    Record put(Record record, int i) {
        Bucket b = buckets[i];
        if (b == null) {
            b = buckets[i] = new Bucket();
        }
        final Record old = b.put(record);
        if (old != null) {
            digests[i] ^= old.digest();
        } else {
            size++;
        }
        digests[i] ^= record.digest();
        return old;
    }

    Record remove(String name) {
        final int i = bucket(name);
        final Bucket b = buckets[i];
        if (b == null) {
            return null;
        }
        final Record old = b.remove(name);
        if (old != null) {
            digests[i] ^= old.digest();
            size--;
        }
        return old;
    }

    long[] digests() {
        return digests.clone();
    }

    long digest(int bucket) {
        return digests[bucket];
    }

    /** The records of one bucket: a copy. */
    List<Record> bucketRecords(int bucket) {
        final Bucket b = buckets[bucket];
        if (b == null) {
            return List.of();
        }
        final List<Record> out = new ArrayList<>(b.size);
        b.forEach(out::add);
        return out;
    }

    void forEach(Consumer<Record> action) {
        for (Bucket b : buckets) {
            if (b != null) {
                b.forEach(action);
            }
        }
    }

    List<Record> all() {
        final List<Record> all = new ArrayList<>(size);
        forEach(all::add);
        return all;
    }

    boolean syncInFlight() {
        return syncNonce != 0;
    }

    /**
     * The records of one bucket by name: open addressing with linear probing over the records themselves
     * (keyed by {@link Record#name}), at most half full; a removal shifts later entries of its run back,
     * so there are no tombstones. A HashMap spent a 32-byte node per record on top; a replica holds
     * millions.
     */
    static final class Bucket {
        private Record[] table = new Record[4];
        int size;

        private static int slot(String name, int mask) {
            final int h = name.hashCode();
            return (h ^ (h >>> 16)) & mask;
        }

        Record get(String name) {
            final Record[] t = table;
            final int mask = t.length - 1;
            for (int i = slot(name, mask); ; i = (i + 1) & mask) {
                final Record r = t[i];
                if (r == null) {
                    return null;
                }
                if (r.name.equals(name)) {
                    return r;
                }
            }
        }

        Record put(Record record) {
            final Record[] t = table;
            final int mask = t.length - 1;
            for (int i = slot(record.name, mask); ; i = (i + 1) & mask) {
                final Record r = t[i];
                if (r == null) {
                    t[i] = record;
                    if (++size * 2 > t.length) {
                        resize(t.length * 2);
                    }
                    return null;
                }
                if (r.name.equals(record.name)) {
                    t[i] = record;
                    return r;
                }
            }
        }

        Record remove(String name) {
            final Record[] t = table;
            final int mask = t.length - 1;
            int i = slot(name, mask);
            while (true) {
                final Record r = t[i];
                if (r == null) {
                    return null;
                }
                if (r.name.equals(name)) {
                    break;
                }
                i = (i + 1) & mask;
            }
            final Record removed = t[i];
            // Shift back every later entry of the run that may not stay beyond the hole.
            int hole = i;
            for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
                final int home = slot(t[j].name, mask);
                // t[j] may move to the hole unless its home lies cyclically in (hole, j].
                final boolean homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
                if (!homeBetween) {
                    t[hole] = t[j];
                    hole = j;
                }
            }
            t[hole] = null;
            size--;
            return removed;
        }

        void forEach(Consumer<Record> action) {
            for (Record r : table) {
                if (r != null) {
                    action.accept(r);
                }
            }
        }

        private void resize(int capacity) {
            final Record[] old = table;
            final Record[] t = new Record[capacity];
            final int mask = capacity - 1;
            for (Record r : old) {
                if (r != null) {
                    int i = slot(r.name, mask);
                    while (t[i] != null) {
                        i = (i + 1) & mask;
                    }
                    t[i] = r;
                }
            }
            table = t;
        }
    }
}
