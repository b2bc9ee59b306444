package org.swarmosgi.api;

import java.util.Objects;

/**
 * The identity of one run of a node: its name and its incarnation.
 *
 * <p>The incarnation is new on every start, so a node that restarts under the same name is a new
 * member: anything addressed to its old incarnation is stale. Two ids are equal only when both name
 * and incarnation are equal.
 *
 * @param name        the node name, unique in the cluster while it runs; 1 to 255 UTF-8 bytes,
 *                    no control characters
 * @param incarnation a number chosen at start, different for every start of the same name
 */
public record NodeId(String name, long incarnation) implements Comparable<NodeId> {

    /** The longest node name, in UTF-8 bytes, that fits the wire formats. */
    public static final int MAX_NAME_BYTES = 255;

    public NodeId {
        Objects.requireNonNull(name, "name");
        Names.check("node name", name, MAX_NAME_BYTES);
    }

    /** Orders by name, then by incarnation: the order is the same on every node. */
    @Override
    public int compareTo(NodeId other) {
        final int byName = name.compareTo(other.name);
        return byName != 0 ? byName : Long.compare(incarnation, other.incarnation);
    }

    @Override
    public String toString() {
        return name + "#" + Long.toHexString(incarnation);
    }
}
