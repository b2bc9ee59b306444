package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;

/** A partition's open-addressed buckets against a HashMap, with many colliding names. */
class PartitionTest {
    private static final NodeId A = new NodeId("a", 1);

    @Test
    void behavesLikeAMapUnderRandomPutsAndRemoves() {
        for (long seed = 0; seed < 20; seed++) {
            final Random random = new Random(seed);
            final Partition.Bucket bucket = new Partition.Bucket();
            final Map<String, Record> model = new HashMap<>();
            final String[] names = new String[300];
            for (int i = 0; i < names.length; i++) {
                // "Aa" and "BB" hash alike: runs of equal hash codes exercise probing and back-shifts.
                final StringBuilder b = new StringBuilder();
                for (int bit = 0; bit < 6; bit++) {
                    b.append((i >> bit & 1) == 0 ? "Aa" : "BB");
                }
                names[i] = i < 64 ? b.toString() : "n" + i;
            }
            for (int step = 0; step < 20_000; step++) {
                final String name = names[random.nextInt(names.length)];
                if (random.nextInt(3) == 0) {
                    assertThat(bucket.remove(name)).isSameAs(model.remove(name));
                } else {
                    final Record r = new Record(name, new WorkerRef(A, step), "t", null, step, null);
                    assertThat(bucket.put(r)).isSameAs(model.put(name, r));
                }
                assertThat(bucket.size).isEqualTo(model.size());
                if (step % 500 == 0) {
                    for (String n : names) {
                        assertThat(bucket.get(n)).isSameAs(model.get(n));
                    }
                    final Set<Record> all = new HashSet<>();
                    bucket.forEach(all::add);
                    assertThat(all).containsExactlyInAnyOrderElementsOf(model.values());
                }
            }
            for (String n : names) {
                assertThat(bucket.get(n)).isSameAs(model.get(n));
            }
        }
    }
}
