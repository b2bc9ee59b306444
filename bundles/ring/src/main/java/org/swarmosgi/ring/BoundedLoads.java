package org.swarmosgi.ring;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam, 2018): names are placed
 * in order, each on the first member clockwise from its hash whose load is below the capacity
 * {@code ceil((1 + epsilon) * placed / members)}, so no member holds more than {@code 1 + epsilon}
 * times the average (up to rounding), at the cost of moving somewhat more names on membership
 * changes than the plain ring.
 *
 * <p>Placement depends on the order of placements; nodes that must agree place the same names in
 * the same order ({@link #placeAll} orders by hash, then name). Not thread-safe.
 */
public final class BoundedLoads {

    private final HashRing ring;
    private final double epsilon;
    private final int[] loads;
    private long placed;

    /**
     * @param epsilon the allowed excess over the average load, greater than 0
     * @throws IllegalArgumentException when epsilon is not positive or the ring is empty
     */
    public BoundedLoads(HashRing ring, double epsilon) {
        this.ring = Objects.requireNonNull(ring, "ring");
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a positive number, was " + epsilon);
        }
        if (ring.isEmpty()) {
            throw new IllegalArgumentException("the ring has no members");
        }
        this.epsilon = epsilon;
        this.loads = new int[ring.size()];
    }

    /** The capacity a member may reach when one more name is placed. */
    public long capacity() {
        return (long) Math.ceil((1 + epsilon) * (placed + 1) / loads.length);
    }

    /**
     * Places one more name and returns its member: the owner on the ring, or the first member
     * clockwise from it with room. Allocates nothing.
     */
    public String place(CharSequence name) {
        final long cap = capacity();
        final int start = ring.pointIndex(NameHash.hash64(name) ^ Long.MIN_VALUE);
        final int points = ring.pointCount();
        for (int step = 0; step < points; step++) {
            final int m = ring.pointOwner((start + step) % points);
            if (loads[m] < cap) {
                loads[m]++;
                placed++;
                return ring.memberAt(m);
            }
        }
        throw new IllegalStateException("no member below capacity " + cap); // impossible: cap >= average
    }

    /** Takes back a name placed on {@code member}. */
    public void release(String member) {
        final int m = ring.members().indexOf(member);
        if (m < 0 || loads[m] == 0) {
            throw new IllegalArgumentException("no name is placed on " + member);
        }
        loads[m]--;
        placed--;
    }

    /** Names placed on {@code member}. */
    public int load(String member) {
        final int m = ring.members().indexOf(member);
        return m < 0 ? 0 : loads[m];
    }

    /** Names placed in all. */
    public long placed() {
        return placed;
    }

    /**
     * Places {@code names} on a fresh {@link BoundedLoads} in a canonical order (hash, then name),
     * so every node computes the same placement from the same names and members.
     *
     * @return each name's member
     */
    public static Map<String, String> placeAll(HashRing ring, Collection<String> names, double epsilon) {
        final BoundedLoads loads = new BoundedLoads(ring, epsilon);
        final String[] sorted = names.toArray(new String[0]);
        final Map<String, Long> hashOf = new HashMap<>(sorted.length * 2);
        for (String n : sorted) {
            hashOf.put(n, NameHash.hash64(n) ^ Long.MIN_VALUE);
        }
        Arrays.sort(sorted, Comparator.<String>comparingLong(hashOf::get).thenComparing(Comparator.naturalOrder()));
        final Map<String, String> placement = new HashMap<>(sorted.length * 2);
        for (String name : sorted) {
            placement.put(name, loads.place(name));
        }
        return placement;
    }
}
