package org.swarmosgi.membership.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogLimiterTest {

    private static final long S = 1_000_000_000L;
    private final LogLimiter limiter = new LogLimiter(3, 10 * S);

    @Test
    void theFirstIsLoggedAtOnce_thenOneLinePerIntervalWithTheCountSinceTheLast() {
        assertThat(limiter.hit("a", 0)).isEqualTo(1);
        for (int i = 1; i <= 999; i++) {
            assertThat(limiter.hit("a", i * 1_000L)).isZero();
        }
        assertThat(limiter.hit("a", 10 * S)).isEqualTo(1000); // 999 quiet ones and this one
        assertThat(limiter.hit("a", 11 * S)).isZero();
        assertThat(limiter.hit("a", 20 * S)).isEqualTo(2);
    }

    @Test
    void keysAreCountedApart() {
        assertThat(limiter.hit("a", 0)).isEqualTo(1);
        assertThat(limiter.hit("b", 0)).isEqualTo(1);
        assertThat(limiter.hit("a", 1)).isZero();
        assertThat(limiter.hit("b", 10 * S)).isEqualTo(1);
    }

    @Test
    void aFloodFromManyKeysGivesOneLinePerIntervalForTheOverflow_andStaysBounded() {
        final List<Long> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            final long n = limiter.hit("source-" + i, i * 1_000L); // 100,000 keys within 0.1 s
            if (n > 0) {
                lines.add(n);
            }
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(3 + 1);
        // Three keys with a slot, one line for all the others.
        assertThat(lines).containsExactly(1L, 1L, 1L, 1L);
        final long n = limiter.hit("source-x", 10 * S + 1);
        assertThat(n).isEqualTo(1); // slots expired: a newcomer gets one again
    }

    @Test
    void theOverflowReportsItsCountAfterAnInterval() {
        limiter.hit("a", 0);
        limiter.hit("b", 0);
        limiter.hit("c", 0);
        assertThat(limiter.hit("d", 1)).isEqualTo(1);
        assertThat(limiter.hit("e", 2)).isZero();
        assertThat(limiter.hit("f", 3)).isZero();
        // a, b, c expire; the overflow (logged at 1) has not: g takes a slot of its own.
        assertThat(limiter.hit("g", 10 * S)).isEqualTo(1);
        assertThat(limiter.hit("a", 10 * S + 5)).isEqualTo(1);
    }

    @Test
    void aKeyIdleForAnIntervalStartsAfresh_soTheSetNeverFillsForGood() {
        for (int round = 0; round < 5; round++) {
            final long t = round * 20 * S;
            assertThat(limiter.hit("x" + round, t)).isEqualTo(1);
            assertThat(limiter.hit("y" + round, t)).isEqualTo(1);
            assertThat(limiter.hit("z" + round, t)).isEqualTo(1);
        }
        assertThat(limiter.size()).isEqualTo(3);
    }
}
