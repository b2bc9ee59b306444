package org.swarmosgi.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class BoundedLoadsTest {

    @Test
    void keepsMaxOverAverageWithinEpsilon() {
        final Random random = new Random(7);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            names.add("n" + Long.toHexString(random.nextLong()));
        }
        for (int n : new int[] {3, 10, 64}) {
            final HashRing ring = HashRing.of(HashRingTest.nodes(n), 64); // few vnodes: the plain ring is uneven
            for (double epsilon : new double[] {0.01, 0.05, 0.25}) {
                final BoundedLoads loads = new BoundedLoads(ring, epsilon);
                for (String name : names) {
                    loads.place(name);
                }
                int max = 0;
                for (String m : ring.members()) {
                    max = Math.max(max, loads.load(m));
                }
                final double avg = names.size() / (double) n;
                assertThat(max).as("n=%d eps=%s", n, epsilon)
                        .isLessThanOrEqualTo((int) Math.ceil((1 + epsilon) * avg));
                assertThat(loads.placed()).isEqualTo(names.size());
            }
        }
    }

    @Test
    void placeAllIsDeterministicAndPrefersTheRingOwner() {
        final HashRing ring = HashRing.of(HashRingTest.nodes(5));
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            names.add("device-" + i);
        }
        final Map<String, String> a = BoundedLoads.placeAll(ring, names, 0.25);
        final List<String> reversed = new ArrayList<>(names);
        java.util.Collections.reverse(reversed);
        final Map<String, String> b = BoundedLoads.placeAll(ring, reversed, 0.25);
        assertThat(a).isEqualTo(b);
        long onOwner = names.stream().filter(nm -> a.get(nm).equals(ring.owner(nm))).count();
        assertThat(onOwner / (double) names.size()).isGreaterThan(0.9);
    }

    @Test
    void refusesBadInput() {
        final HashRing ring = HashRing.of(List.of("a"));
        assertThatThrownBy(() -> new BoundedLoads(ring, 0)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new BoundedLoads(HashRing.of(List.of()), 0.1)).hasMessageContaining("no members");
        assertThatThrownBy(() -> new BoundedLoads(ring, 0.1).release("a")).hasMessageContaining("no name");
    }
}
