package org.swarmosgi.registry.internal;

import java.util.Arrays;
import java.util.Objects;

import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.ring.NameHash;

/**
 * One registered name as every replica holds it: which worker has it, how to start it again, the
 * groups it is in, and the version its host wrote it at. Immutable; a change is a new record with a
 * higher version. Its host (the node running the worker, {@code ref.node()}) is its only author.
 *
 * <p>Metadata is constant in size: one version number from the host's sequence, whatever the
 * cluster's history (no vector or interval-tree clock).
 */
final class Record {
    static final String[] NO_GROUPS = new String[0];
    static final byte[] NO_ARGS = new byte[0];

    final String name;
    final WorkerRef ref;
    /** The worker type; null for a worker registered where it runs ({@code registerLocal}), never moved. */
    final String type;
    final byte[] args;
    final long version;
    /** Sorted, no duplicates. */
    final String[] groups;
    /**
     * The placement generation of the name: 0 at its first start, one more at each restart on another node
     * (failover, move). Replicas prefer the higher one, so a move's new record replaces the old without a
     * conflict; equal generations on two live nodes are a partition's duplicate.
     */
    final long gen;

    Record(String name, WorkerRef ref, String type, byte[] args, long version, String[] groups) {
        this(name, ref, type, args, version, groups, 0);
    }

    Record(String name, WorkerRef ref, String type, byte[] args, long version, String[] groups, long gen) {
        this.gen = gen;
        this.name = Objects.requireNonNull(name, "name");
        this.ref = Objects.requireNonNull(ref, "ref");
        this.type = type;
        // Empty arrays shared: a million records of workers without arguments or groups hold none of their own.
        this.args = args == null || args.length == 0 ? NO_ARGS : args;
        this.version = version;
        this.groups = groups == null || groups.length == 0 ? NO_GROUPS : groups;
    }

    boolean movable() {
        return type != null;
    }

    boolean inGroup(String group) {
        return Arrays.binarySearch(groups, group) >= 0;
    }

    Record withGroup(String group, long newVersion) {
        if (inGroup(group)) {
            return new Record(name, ref, type, args, newVersion, groups, gen);
        }
        final String[] g = Arrays.copyOf(groups, groups.length + 1);
        g[groups.length] = group;
        Arrays.sort(g);
        return new Record(name, ref, type, args, newVersion, g, gen);
    }

    Record withoutGroup(String group, long newVersion) {
        final int at = Arrays.binarySearch(groups, group);
        if (at < 0) {
            return new Record(name, ref, type, args, newVersion, groups, gen);
        }
        final String[] g = new String[groups.length - 1];
        System.arraycopy(groups, 0, g, 0, at);
        System.arraycopy(groups, at + 1, g, at, groups.length - at - 1);
        return new Record(name, ref, type, args, newVersion, g.length == 0 ? NO_GROUPS : g, gen);
    }

    /** This record's share of its bucket's digest: equal records give equal shares on every node. */
    long digest() {
        long h = NameHash.hash64(name);
        h = mix(h ^ ref.node().incarnation());
        h = mix(h ^ ref.id());
        h = mix(h ^ gen);
        return mix(h ^ version);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && version == r.version && gen == r.gen && name.equals(r.name) && ref.equals(r.ref)
            && Objects.equals(type, r.type) && Arrays.equals(args, r.args) && Arrays.equals(groups, r.groups);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, ref, version);
    }

    @Override
    public String toString() {
        return name + "->" + ref + "@" + version + (gen == 0 ? "" : "/g" + gen) + (groups.length == 0 ? "" : Arrays.toString(groups));
    }
}
