package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The due queue against an {@link ArrayDeque} of the same entries, through growth, wrap-around and compaction. */
class DueQueueTest {

    private record Entry(int item, long due) {
    }

    @Test
    void keepsTheOrderOfAnArrayDequeThroughGrowthWrapAndRetain() {
        final Random random = new Random(7);
        final DueQueue<Integer> queue = new DueQueue<>();
        final ArrayDeque<Entry> expected = new ArrayDeque<>();
        long now = 0;
        for (int step = 0; step < 200_000; step++) {
            final int op = random.nextInt(100);
            if (op < 55) {
                now += random.nextInt(3);
                final int item = random.nextInt(1000);
                queue.add(item, now);
                expected.addLast(new Entry(item, now));
            } else if (op < 98) {
                if (!expected.isEmpty()) {
                    final Entry e = expected.pollFirst();
                    assertThat(queue.headDue()).isEqualTo(e.due());
                    assertThat(queue.poll()).isEqualTo(e.item());
                }
            } else {
                final int odd = random.nextInt(2);
                queue.retain((item, due) -> item % 2 == odd);
                expected.removeIf(e -> e.item() % 2 != odd);
            }
            assertThat(queue.size()).isEqualTo(expected.size());
            assertThat(queue.isEmpty()).isEqualTo(expected.isEmpty());
        }
    }
}
