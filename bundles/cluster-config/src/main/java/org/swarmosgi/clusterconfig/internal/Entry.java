package org.swarmosgi.clusterconfig.internal;

import java.util.Collections;
import java.util.Comparator;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the cluster holds for one PID: its shared properties, or, once deleted, a tombstone. Entries of
 * one PID are totally ordered ({@link #ORDER}) and every node keeps the greatest it has seen, so every
 * node settles on the same entry whatever order messages arrive in, and a late message about an older
 * change never wins (last writer wins by generation, then node).
 *
 * @param pid        the PID, a named factory configuration as {@code factoryPid~name}
 * @param generation one more than the greatest this node had seen for the PID when the change was made
 * @param origin     the node the change was made on
 * @param deleted    true: the PID was deleted
 * @param props      the shared properties, sorted by key; empty when deleted
 */
record Entry(String pid, long generation, String origin, boolean deleted, SortedMap<String, Value> props)
        implements Comparable<Entry> {

    /** Longest PID, node name and key, in characters. */
    static final int MAX_NAME = 256;

    /** Newer generation wins; at one generation (changes made at once on two nodes) the greater node name. */
    static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::generation)
            .thenComparing(Entry::origin)
            .thenComparing(Entry::deleted)
            .thenComparing(e -> Json.props(e.props())); // the same node twice at one generation: only after it lost its state

    Entry {
        name("pid", pid);
        name("origin", origin);
        if (generation < 1) {
            throw new IllegalArgumentException("generation must be at least 1, was " + generation);
        }
        final TreeMap<String, Value> copy = new TreeMap<>();
        for (var e : props.entrySet()) {
            name("key", e.getKey());
            copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), "value"));
        }
        if (deleted && !copy.isEmpty()) {
            throw new IllegalArgumentException(pid + ": a deleted PID has no properties");
        }
        props = Collections.unmodifiableSortedMap(copy);
    }

    static void name(String what, String s) {
        Objects.requireNonNull(s, what);
        if (s.isEmpty() || s.length() > MAX_NAME) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_NAME + " characters, was " + s.length());
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException(what + " must not contain control characters");
            }
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
}
