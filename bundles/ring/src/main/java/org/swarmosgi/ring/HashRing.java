package org.swarmosgi.ring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * An immutable consistent hash ring: each member owns {@link #virtualNodes()} points on a 64-bit
 * circle, and a name belongs to the member owning the first point at or after the name's hash.
 *
 * <p><b>Specification</b> (so every node, on any JVM, computes the same owner from the same member
 * set, whatever order members were added in): member {@code m}'s points are
 * {@code NameHash.hash64(m + "#" + i)} for {@code i = 0 .. virtualNodes-1}; points are ordered as
 * unsigned 64-bit numbers, ties broken by member name; a name's owner is the member of the first
 * point {@code >= NameHash.hash64(name)} (unsigned), wrapping to the first point.
 *
 * <p>Properties: loads are even (max/avg below 1.10 for 3 to 64 members with the default virtual
 * nodes); adding or removing a member moves only the names that member gains or loses.
 * {@link #owner(CharSequence)} allocates nothing and costs a hash and a table read, plus a scan
 * of a point or two for one lookup in four.
 */
public final class HashRing {

    /** Virtual nodes per member unless told otherwise: chosen for max/avg load below 1.10 at 64 members. */
    public static final int DEFAULT_VIRTUAL_NODES = 2048;

    /** Upper bound of virtual nodes per member, to keep rings of many members in memory. */
    public static final int MAX_VIRTUAL_NODES = 1 << 16;

    private static final double TWO_POW_64 = 0x1p64;

    private final String[] members;       // sorted
    private final long[] points;          // sorted; stored with the sign bit flipped so signed order = unsigned order
    private final int[] owners;           // member index of each point
    // Lookup table on the top bits of the hash: for a bucket that holds no point, -(owner + 1) (the
    // answer at once); otherwise the index of its first point, from which a short scan finishes.
    private final int[] buckets;
    private final int bucketShift;
    private final double[] shares;        // per member, sums to 1
    private final int virtualNodes;

    private HashRing(String[] members, int virtualNodes) {
        this.members = members;
        this.virtualNodes = virtualNodes;
        final int n = members.length * virtualNodes;
        final long[] keys = new long[n];
        final int[] idx = new int[n];
        int k = 0;
        final StringBuilder sb = new StringBuilder(64);
        for (int m = 0; m < members.length; m++) {
            for (int v = 0; v < virtualNodes; v++) {
                sb.setLength(0);
                sb.append(members[m]).append('#').append(v);
                keys[k] = NameHash.hash64(sb) ^ Long.MIN_VALUE;
                idx[k] = m;
                k++;
            }
        }
        // Sort points by (flipped hash, member index); member indexes follow name order, so ties break by name.
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            final int c = Long.compare(keys[a], keys[b]);
            return c != 0 ? c : Integer.compare(idx[a], idx[b]);
        });
        points = new long[n];
        owners = new int[n];
        for (int i = 0; i < n; i++) {
            points[i] = keys[order[i]];
            owners[i] = idx[order[i]];
        }
        // About four buckets per point: three in four lookups hit an empty bucket and end there.
        final int bits = n == 0 ? 1 : Math.max(1, Math.min(22, 64 - Long.numberOfLeadingZeros(n - 1L) + 2));
        bucketShift = 64 - bits;
        buckets = new int[1 << bits];
        int p = 0;
        for (int b = 0; b < buckets.length; b++) {
            while (p < n && bucket(points[p]) < b) {
                p++;
            }
            final boolean empty = p == n || bucket(points[p]) != b;
            buckets[b] = n == 0 ? -1 : empty ? -(owners[p == n ? 0 : p] + 1) : p;
        }
        shares = new double[members.length];
        for (int i = 0; i < n; i++) {
            final long prev = i == 0 ? points[n - 1] : points[i - 1];
            final long arc = points[i] - prev; // unsigned distance, wraps correctly for i == 0
            shares[owners[i]] += unsignedToDouble(arc) / TWO_POW_64;
        }
        if (members.length == 1) {
            shares[0] = 1.0; // a lone member owns the whole circle, whatever its arcs sum to
        }
    }

    /** A ring of {@code members} with {@link #DEFAULT_VIRTUAL_NODES} virtual nodes each. */
    public static HashRing of(Collection<String> members) {
        return of(members, DEFAULT_VIRTUAL_NODES);
    }

    /**
     * A ring of {@code members} with {@code virtualNodes} points each. Duplicates are ignored.
     *
     * @throws IllegalArgumentException when a member name is null or empty, or virtualNodes is not
     *                                  in 1..{@value #MAX_VIRTUAL_NODES}
     */
    public static HashRing of(Collection<String> members, int virtualNodes) {
        Objects.requireNonNull(members, "members");
        if (virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
            throw new IllegalArgumentException("virtualNodes must be 1.." + MAX_VIRTUAL_NODES + ", was " + virtualNodes);
        }
        final TreeSet<String> sorted = new TreeSet<>();
        for (String m : members) {
            if (m == null || m.isEmpty()) {
                throw new IllegalArgumentException("member names must not be null or empty: " + members);
            }
            sorted.add(m);
        }
        return new HashRing(sorted.toArray(new String[0]), virtualNodes);
    }

    /** The members, sorted. */
    public List<String> members() {
        return Collections.unmodifiableList(Arrays.asList(members));
    }

    /** Number of members. */
    public int size() {
        return members.length;
    }

    public boolean isEmpty() {
        return members.length == 0;
    }

    public boolean contains(String member) {
        return Arrays.binarySearch(members, member) >= 0;
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    /**
     * The member that owns {@code name}. Allocates nothing.
     *
     * @throws IllegalStateException when the ring has no members
     */
    public String owner(CharSequence name) {
        return members[ownerIndex(name)];
    }

    /**
     * Index in {@link #members()} of the owner of {@code name}. Allocates nothing.
     *
     * @throws IllegalStateException when the ring has no members
     */
    public int ownerIndex(CharSequence name) {
        final long key = NameHash.hash64(name) ^ Long.MIN_VALUE;
        if (points.length == 0) {
            throw new IllegalStateException("the ring has no members");
        }
        final int entry = buckets[bucket(key)];
        return entry < 0 ? -entry - 1 : owners[scan(entry, key)];
    }

    /**
     * The members that would own {@code name} one after another if {@code skip} were gone and then each of
     * them in turn: the distinct members met clockwise from the name's point, {@code skip} left out, written
     * into {@code into} up to its length. The first is {@code remove(skip).owner(name)}; the second the owner
     * once that one is gone too; and so on. Allocates nothing.
     *
     * @param skip a member to leave out, or null
     * @return how many were written: fewer than {@code into.length} when the ring has fewer other members
     */
    public int successors(CharSequence name, String skip, String[] into) {
        final int skipIndex = skip == null ? -1 : Arrays.binarySearch(members, skip);
        final int wanted = Math.min(into.length, members.length - (skipIndex >= 0 ? 1 : 0));
        if (wanted <= 0) {
            return 0;
        }
        int found = 0;
        int i = pointIndex(NameHash.hash64(name) ^ Long.MIN_VALUE);
        for (int steps = 0; steps < points.length && found < wanted; steps++, i = i + 1 == points.length ? 0 : i + 1) {
            final int m = owners[i];
            if (m == skipIndex || seen(into, found, members[m])) {
                continue;
            }
            into[found++] = members[m];
        }
        return found;
    }

    private static boolean seen(String[] into, int found, String member) {
        for (int j = 0; j < found; j++) {
            if (into[j] == member) { // the same instance: both come from members
                return true;
            }
        }
        return false;
    }

    /** Index of the first point at or after the flipped hash, wrapping to 0. */
    int pointIndex(long flippedHash) {
        if (points.length == 0) {
            throw new IllegalStateException("the ring has no members");
        }
        final int entry = buckets[bucket(flippedHash)];
        if (entry >= 0) {
            return scan(entry, flippedHash);
        }
        // Empty bucket: the successor is the first point of a later bucket.
        int b = bucket(flippedHash) + 1;
        while (b < buckets.length && buckets[b] < 0) {
            b++;
        }
        return b == buckets.length ? 0 : buckets[b];
    }

    /** From the first point of a bucket, the first point >= key (a few steps: buckets hold ~1/4 point). */
    private int scan(int from, long key) {
        int i = from;
        while (i < points.length && points[i] < key) {
            i++;
        }
        return i == points.length ? 0 : i;
    }

    /** The member at {@code index} in {@link #members()} order. */
    String memberAt(int index) {
        return members[index];
    }

    /** Number of points on the ring. */
    int pointCount() {
        return points.length;
    }

    /** Owner index of point {@code i}. */
    int pointOwner(int i) {
        return owners[i];
    }

    /**
     * The fraction of the hash space {@code member} owns, 0 when it is not a member. The shares of
     * all members sum to 1.
     */
    public double share(String member) {
        final int i = Arrays.binarySearch(members, member);
        return i < 0 ? 0.0 : shares[i];
    }

    /** This ring plus {@code member} (this ring if it is a member already). */
    public HashRing add(String member) {
        if (contains(member)) {
            return this;
        }
        final List<String> next = new ArrayList<>(members.length + 1);
        next.addAll(Arrays.asList(members));
        next.add(member);
        return of(next, virtualNodes);
    }

    /** This ring without {@code member} (this ring if it is not a member). */
    public HashRing remove(String member) {
        if (!contains(member)) {
            return this;
        }
        final List<String> next = new ArrayList<>(Arrays.asList(members));
        next.remove(member);
        return of(next, virtualNodes);
    }

    private int bucket(long flipped) {
        return (int) ((flipped ^ Long.MIN_VALUE) >>> bucketShift);
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    @Override
    public String toString() {
        return "HashRing" + Arrays.toString(members) + " x" + virtualNodes;
    }
}
