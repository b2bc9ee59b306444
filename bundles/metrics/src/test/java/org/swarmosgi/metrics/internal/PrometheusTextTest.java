package org.swarmosgi.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.metrics.Metric;

class PrometheusTextTest {

    @Test
    void helpAndTypeOncePerNameWithEveryOfItsSamplesTogether() {
        final String text = PrometheusText.format(List.of(
            Metric.counter("swarm_x_dropped_total", "Dropped, by reason", Map.of("reason", "BAD_MAC"), 3),
            Metric.gauge("swarm_x_members", "Members up", 2),
            Metric.counter("swarm_x_dropped_total", "Dropped, by reason", Map.of("reason", "GAP"), 0)));
        assertThat(text).isEqualTo("""
            # HELP swarm_x_dropped_total Dropped, by reason
            # TYPE swarm_x_dropped_total counter
            swarm_x_dropped_total{reason="BAD_MAC"} 3
            swarm_x_dropped_total{reason="GAP"} 0
            # HELP swarm_x_members Members up
            # TYPE swarm_x_members gauge
            swarm_x_members 2
            """);
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewlineAndHelpEscapesBackslashAndNewline() {
        final String text = PrometheusText.format(List.of(Metric.counter("a_total", "a \\ b\nc \"q\"",
            Map.of("z", "2", "path", "C:\\dir \"x\"\nnext"), 7)));
        assertThat(text).isEqualTo("""
            # HELP a_total a \\\\ b\\nc "q"
            # TYPE a_total counter
            a_total{path="C:\\\\dir \\"x\\"\\nnext",z="2"} 7
            """);
    }

    @Test
    void namesAndLabelNamesThatPrometheusRefusesAreRefusedWhenTheMetricIsMade() {
        assertThatThrownBy(() -> Metric.counter("swarm-x", "h", 1)).hasMessageContaining("swarm-x");
        assertThatThrownBy(() -> Metric.counter("1x", "h", 1)).hasMessageContaining("1x");
        assertThatThrownBy(() -> Metric.counter("x", "h", Map.of("bad-label", "v"), 1))
            .hasMessageContaining("bad-label");
        assertThatThrownBy(() -> Metric.counter("x", "h", Map.of("__reserved", "v"), 1))
            .hasMessageContaining("__reserved");
    }

    @Test
    void noMetricsIsAnEmptyDocument() {
        assertThat(PrometheusText.format(List.of())).isEmpty();
    }
}
