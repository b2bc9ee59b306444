package org.swarmosgi.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;

class HealthChecksTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicLong turns = new AtomicLong();
    private final Sources sources = new Sources();
    private final HealthChecks checks = new HealthChecks(sources, () -> null, 5_000, clock::get);

    private final MetricSource transport = new MetricSource() {
        @Override
        public String group() {
            return "Transport";
        }

        @Override
        public List<Metric> metrics() {
            return List.of(Metric.counter("swarm_transport_duty_cycles_total", "turns", turns.get()));
        }
    };

    @Test
    void aliveWhileTheDutyCycleTurnsWithinTheWindowAndNotOnceItStops() {
        sources.add(transport);
        checks.sample();
        assertThat(checks.alive().up()).isTrue();
        clock.addAndGet(4_000_000_000L);
        turns.incrementAndGet();
        checks.sample();
        clock.addAndGet(4_900_000_000L); // 4.9 s since the last turn
        checks.sample();
        assertThat(checks.alive().up()).isTrue();
        clock.addAndGet(200_000_000L); // 5.1 s
        checks.sample();
        assertThat(checks.alive().up()).isFalse();
        assertThat(checks.alive().json()).contains("\"name\":\"transport\",\"status\":\"DOWN\",\"detail\":\"no turn for 5.1 s\"");
        turns.incrementAndGet();
        checks.sample();
        assertThat(checks.alive().up()).isTrue();
    }

    @Test
    void aNodeWithoutTransportIsNotAliveAndANodeWithoutRegistryIsNotReady() {
        checks.sample();
        assertThat(checks.alive().up()).isFalse();
        assertThat(checks.alive().json()).contains("\"name\":\"transport\",\"status\":\"DOWN\",\"detail\":\"not running\"");
        sources.add(transport);
        checks.sample();
        assertThat(checks.alive().up()).isTrue();
        assertThat(checks.ready().up()).isFalse();
        assertThat(checks.ready().json()).startsWith("{\"status\":\"DOWN\"")
            .contains("\"name\":\"registry\",\"status\":\"DOWN\",\"detail\":\"not running\"");
    }
}
