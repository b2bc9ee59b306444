package org.swarmosgi.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HashRingTest {

    private static final int NAMES = 1_000_000;
    private static String[] names;

    @BeforeAll
    static void makeNames() {
        final Random random = new Random(20261126L);
        names = new String[NAMES];
        for (int i = 0; i < NAMES; i++) {
            names[i] = "device-" + Long.toHexString(random.nextLong()) + "-" + i;
        }
    }

    static List<String> nodes(int n) {
        final List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            nodes.add("swarm@10.0." + (i / 250) + "." + (i % 250 + 1));
        }
        return nodes;
    }

    @Test
    void successorsAreTheOwnersAsMembersGoOneAfterAnother() {
        final List<String> nodes = List.of("a", "b", "c", "d", "e");
        final HashRing full = HashRing.of(nodes, 64);
        final String[] into = new String[3];
        for (int n = 0; n < 500; n++) {
            final String name = "w" + n;
            final String host = full.owner(name);
            assertThat(full.successors(name, host, into)).isEqualTo(3);
            HashRing r = full.remove(host);
            for (int k = 0; k < 3; k++) {
                assertThat(into[k]).isEqualTo(r.owner(name));
                r = r.remove(into[k]);
            }
        }
        assertThat(HashRing.of(List.of("a", "b"), 64).successors("x", "a", into)).isEqualTo(1);
        assertThat(into[0]).isEqualTo("b");
        assertThat(HashRing.of(List.of("a"), 64).successors("x", "a", into)).isZero();
        assertThat(HashRing.of(List.of("a", "b"), 64).successors("x", null, into)).isEqualTo(2);
    }

    @Test
    void sameMembersGiveSameOwnersWhateverTheOrder() {
        final List<String> members = nodes(7);
        final HashRing a = HashRing.of(members);
        final List<String> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled, new Random(1));
        final HashRing b = HashRing.of(shuffled);
        HashRing c = HashRing.of(List.of());
        for (int i = members.size() - 1; i >= 0; i--) {
            c = c.add(members.get(i));
        }
        for (int i = 0; i < 200_000; i++) {
            final String owner = a.owner(names[i]);
            assertThat(b.owner(names[i])).isEqualTo(owner);
            assertThat(c.owner(names[i])).isEqualTo(owner);
        }
    }

    @Test
    void ownersArePinnedAcrossJvmsAndVersions() {
        // Golden values: every JVM must place these names here. A change breaks mixed-version clusters.
        final HashRing ring = HashRing.of(List.of("node-a", "node-b", "node-c"));
        assertThat(ring.owner("device-1")).isEqualTo(GOLDEN[0]);
        assertThat(ring.owner("device-2")).isEqualTo(GOLDEN[1]);
        assertThat(ring.owner("device-3")).isEqualTo(GOLDEN[2]);
        assertThat(ring.owner("thermostat/kitchen")).isEqualTo(GOLDEN[3]);
        assertThat(ring.owner("\u00e9l\u00e8ve-\u6771\u4eac")).isEqualTo(GOLDEN[4]);
    }

    static final String[] GOLDEN = {"node-b", "node-b", "node-a", "node-c", "node-b"};

    @Test
    void loadIsBalancedFrom3To64Nodes() {
        double worst = 0;
        int worstN = 0;
        for (int n = 3; n <= 64; n++) {
            final HashRing ring = HashRing.of(nodes(n));
            final int[] load = new int[n];
            for (String name : names) {
                load[ring.ownerIndex(name)]++;
            }
            final double ratio = max(load) / ((double) NAMES / n);
            if (ratio > worst) {
                worst = ratio;
                worstN = n;
            }
            assertThat(ratio).as("max/avg at %d nodes", n).isLessThanOrEqualTo(1.10);
        }
        System.out.printf("ring balance: worst max/avg %.4f at %d nodes (%d virtual nodes)%n",
                worst, worstN, HashRing.DEFAULT_VIRTUAL_NODES);
    }

    @Test
    void addingOrRemovingOneNodeMovesOnlyItsShare() {
        for (int n : new int[] {3, 4, 5, 8, 10, 16, 32, 64}) {
            final List<String> all = nodes(n);
            final HashRing full = HashRing.of(all);
            final String changed = all.get(n / 2);
            final HashRing without = full.remove(changed);
            int moved = 0;
            for (String name : names) {
                final String before = without.owner(name);
                final String after = full.owner(name);
                if (!before.equals(after)) {
                    moved++;
                    // Adding: every moved name goes to the new node; removing: every one comes from it.
                    assertThat(after).isEqualTo(changed);
                }
            }
            assertThat(moved / (double) NAMES).as("moved fraction at %d nodes", n)
                    .isLessThanOrEqualTo(1.15 / n);
        }
    }

    @Test
    void sharesSumToOneAndTrackLoad() {
        final HashRing ring = HashRing.of(nodes(10));
        double sum = 0;
        for (String m : ring.members()) {
            assertThat(ring.share(m)).isBetween(0.08, 0.12);
            sum += ring.share(m);
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ring.share("stranger")).isZero();
        assertThat(HashRing.of(List.of("solo")).share("solo")).isEqualTo(1.0);
        assertThat(HashRing.of(List.of("solo")).owner("anything")).isEqualTo("solo");
    }

    @Test
    void lookupsAllocateNothing() {
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final HashRing ring = HashRing.of(nodes(64));
        final long tid = Thread.currentThread().getId();
        long sink = 0;
        for (int i = 0; i < 200_000; i++) { // warm up: let the JIT compile owner()
            sink += ring.ownerIndex(names[i]);
        }
        final long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 500_000; i++) {
            sink += ring.ownerIndex(names[i]);
            sink += ring.owner(names[i]).length();
        }
        final long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 1,000,000 lookups").isLessThan(1024);
    }

    @Test
    void refusesBadInput() {
        assertThatThrownBy(() -> HashRing.of(List.of("a"), 0)).hasMessageContaining("virtualNodes");
        assertThatThrownBy(() -> HashRing.of(List.of(""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> HashRing.of(List.of()).owner("x")).hasMessageContaining("no members");
    }

    static int max(int[] a) {
        int m = 0;
        for (int v : a) {
            m = Math.max(m, v);
        }
        return m;
    }
}
