package org.swarmosgi.transport.aeron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.metrics.Metric;

/** The transport's counters under concurrent writers and readers: nothing is lost. */
class TransportStatsTest {

    private static final int N = 1_000_000;

    @Test
    void twoThreadsCountingSentMessagesAndErrorsLoseNothing() throws InterruptedException {
        final TransportStats stats = new TransportStats();
        final CountDownLatch go = new CountDownLatch(1);
        final Runnable writer = () -> {
            awaitQuietly(go);
            for (int i = 0; i < N; i++) {
                stats.countSent();
                stats.countError();
            }
        };
        final Thread a = new Thread(writer);
        final Thread b = new Thread(writer);
        a.start();
        b.start();
        go.countDown();
        a.join();
        b.join();
        assertThat(stats.sent()).isEqualTo(2L * N);
        assertThat(stats.errors()).isEqualTo(2L * N);
        assertThat(stats.metrics()).contains(Metric.counter("swarm_transport_messages_sent_total",
            "Messages, requests and replies this node sent to peers", 2L * N));
    }

    @Test
    void theSingleWritersCountsAreSeenWholeAndInOrderByAReaderOnAnotherThread() throws InterruptedException {
        final TransportStats stats = new TransportStats();
        final Thread dutyCycle = new Thread(() -> {
            for (int i = 0; i < N; i++) {
                stats.countDutyCycle();
                stats.drop(TransportStats.Drop.BAD_MAC);
            }
        });
        dutyCycle.start();
        long last = 0;
        while (dutyCycle.isAlive()) {
            final long now = stats.dutyCycles();
            assertThat(now).isGreaterThanOrEqualTo(last);
            last = now;
        }
        dutyCycle.join();
        assertThat(stats.dutyCycles()).isEqualTo(N);
        assertThat(stats.dropped(TransportStats.Drop.BAD_MAC)).isEqualTo(N);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
