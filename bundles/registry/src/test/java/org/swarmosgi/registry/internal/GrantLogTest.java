package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;

/** The owner's log of grants against a bounded insertion-ordered model, over growth and eviction. */
class GrantLogTest {
    private static final NodeId[] ORIGINS = {new NodeId("a", 1), new NodeId("b", 1), new NodeId("c", 2)};

    private record Key(NodeId origin, long corr) {
    }

    private record Granted(String name, WorkerRef ref) {
    }

    @Test
    void keepsExactlyTheLatestGrantsThroughGrowthAndEviction() {
        for (long seed = 0; seed < 10; seed++) {
            final Random random = new Random(seed);
            final int capacity = 256;
            final GrantLog log = new GrantLog(capacity);
            final Map<Key, Granted> model = new HashMap<>();
            final ArrayDeque<Key> order = new ArrayDeque<>();
            for (int step = 0; step < 5_000; step++) {
                // Request ids from three origins overlap (each node counts from 1), and some are granted again.
                final Key k = new Key(ORIGINS[random.nextInt(ORIGINS.length)], 1 + random.nextInt(600));
                // Some logged without a worker (a request over without one): present, with no ref.
                final Granted g = new Granted("n" + random.nextInt(50),
                    random.nextInt(4) == 0 ? null : new WorkerRef(ORIGINS[0], step));
                log.put(k.origin(), k.corr(), g.name(), g.ref());
                if (model.put(k, g) == null) {
                    order.add(k);
                    if (order.size() > capacity) {
                        model.remove(order.poll());
                    }
                }
                assertThat(log.size()).isEqualTo(model.size());
                for (int probe = 0; probe < 20; probe++) {
                    final Key q = new Key(ORIGINS[random.nextInt(ORIGINS.length)], 1 + random.nextInt(600));
                    final Granted expected = model.get(q);
                    final String name = expected != null && random.nextBoolean() ? expected.name() : "n" + random.nextInt(50);
                    final WorkerRef want = expected != null && expected.name().equals(name) ? expected.ref() : null;
                    assertThat(log.granted(q.origin(), q.corr(), name)).isEqualTo(want);
                    assertThat(log.has(q.origin(), q.corr(), name)).isEqualTo(expected != null && expected.name().equals(name));
                }
            }
        }
    }

    @Test
    void refusesACapacityThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new GrantLog(100)).isInstanceOf(IllegalArgumentException.class);
    }
}
