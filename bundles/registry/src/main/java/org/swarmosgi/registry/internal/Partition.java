package org.swarmosgi.registry.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    @SuppressWarnings("unchecked")
    private final Map<String, Record>[] buckets = new Map[BUCKETS];
    private final long[] digests = new long[BUCKETS];
    private int size;
    long appliedSeq;
    /** True once a sync with the host completed (or this is our own partition). */
    boolean synced;
    /** The worker types the host offers, as it last said. */
    Set<String> types = Set.of();
    // Sync in flight: its nonce, when to ask again, operations that arrived meanwhile.
    long syncNonce;
    long syncDeadline;
    /** Parts of the sync's answer received; how many there are (0: the last not seen yet); the last's types. */
    int syncParts;
    int syncExpected;
    Set<String> syncTypes;
    final List<Op> heldOps = new ArrayList<>();

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
        final Map<String, Record> b = buckets[bucket];
        return b == null ? null : b.get(name);
    }

    /** Puts a record; returns the one it replaced, or null. */
    Record put(Record record) {
        final int i = bucket(record.name);
        Map<String, Record> b = buckets[i];
        if (b == null) {
            b = buckets[i] = new HashMap<>(4);
        }
        final Record old = b.put(record.name, record);
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
        final Map<String, Record> b = buckets[i];
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
        final Map<String, Record> b = buckets[bucket];
        return b == null ? List.of() : new ArrayList<>(b.values());
    }

    void forEach(Consumer<Record> action) {
        for (Map<String, Record> b : buckets) {
            if (b != null) {
                b.values().forEach(action);
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
}
