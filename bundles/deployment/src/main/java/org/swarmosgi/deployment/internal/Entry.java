package org.swarmosgi.deployment.internal;

import java.util.Comparator;
import java.util.Objects;

import org.osgi.framework.Version;

/**
 * What the cluster should run for one bundle symbolic name: a deployed bundle (version, hash, size)
 * or, once undeployed, a tombstone that keeps the last ones. Entries of one name are totally ordered
 * ({@link #ORDER}) and a node keeps the greatest it has seen, so every node converges on the same one
 * whatever order the messages come in, and a late message about an older change never wins.
 *
 * @param bsn        the bundle symbolic name, 1 to {@value Wire#MAX_STRING} UTF-8 bytes
 * @param generation 1 for the first change of this name, one more than the greatest seen for each next
 * @param deployed   false: undeployed
 * @param version    the bundle version, canonical
 * @param sha256     64 lower-case hex digits
 * @param size       bytes, at least 1
 * @param origin     the node name the change was made on (not part of the order: the same change made
 *                   on two nodes is one change)
 */
record Entry(String bsn, long generation, boolean deployed, String version, String sha256, long size, String origin)
        implements Comparable<Entry> {

    /**
     * Newer generation wins; at one generation (concurrent changes on two nodes) a deploy beats an
     * undeploy, a higher version a lower one, then the higher hash.
     */
    static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::generation)
            .thenComparing(Entry::deployed)
            .thenComparing(e -> Version.parseVersion(e.version))
            .thenComparing(Entry::sha256);

    Entry {
        Objects.requireNonNull(bsn, "bsn");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(origin, "origin");
        if (bsn.isEmpty()) {
            throw new IllegalArgumentException("bundle symbolic name is empty");
        }
        if (generation < 1) {
            throw new IllegalArgumentException("generation must be at least 1, was " + generation);
        }
        version = Version.parseVersion(version).toString();
        Hashes.check(sha256);
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, was " + size);
        }
    }

    @Override
    public int compareTo(Entry other) {
        return ORDER.compare(this, other);
    }

    /** True when this entry replaces {@code other} (null: none yet). */
    boolean supersedes(Entry other) {
        return other == null || compareTo(other) > 0;
    }

    /** The next change: an undeploy of this bundle, made on {@code node}. */
    Entry undeployed(String node) {
        return new Entry(bsn, generation + 1, false, version, sha256, size, node);
    }
}
