package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.shell.internal.StatsReport.Group;

class StatsReportTest {

    private final List<Group> groups = List.of(new Group("Transport", List.of(
        Metric.counter("swarm_transport_messages_sent_total", "sent", 1234567),
        Metric.counter("swarm_transport_dropped_total", "dropped", Map.of("reason", "BAD_MAC"), 2),
        Metric.counter("swarm_transport_dropped_total", "dropped", Map.of("reason", "GAP"), 0))),
        new Group("Membership", List.of(Metric.gauge("swarm_membership_members", "members \"up\"", 3))));

    @Test
    void textFitsEightyColumnsAndLeavesOutReasonsThatNeverHappened() {
        final String text = StatsReport.text(groups);
        assertThat(text.lines()).allMatch(l -> l.length() <= Text.WIDTH);
        assertThat(text).contains("Transport\n")
            .containsPattern("\n  messages sent +1234567\n")
            .containsPattern("\n  dropped BAD_MAC +2\n")
            .doesNotContain("GAP")
            .containsPattern("Membership\n  members +3\n");
    }

    @Test
    void jsonIsOneDocumentOnOneLineWithEveryFigure() {
        assertThat(StatsReport.json(groups)).isEqualTo("{\"groups\":[{\"group\":\"Transport\",\"metrics\":["
            + "{\"name\":\"swarm_transport_messages_sent_total\",\"type\":\"counter\",\"labels\":{},\"value\":1234567,\"help\":\"sent\"},"
            + "{\"name\":\"swarm_transport_dropped_total\",\"type\":\"counter\",\"labels\":{\"reason\":\"BAD_MAC\"},\"value\":2,\"help\":\"dropped\"},"
            + "{\"name\":\"swarm_transport_dropped_total\",\"type\":\"counter\",\"labels\":{\"reason\":\"GAP\"},\"value\":0,\"help\":\"dropped\"}]},"
            + "{\"group\":\"Membership\",\"metrics\":[{\"name\":\"swarm_membership_members\",\"type\":\"gauge\",\"labels\":{},\"value\":3,\"help\":\"members \\\"up\\\"\"}]}]}");
    }

    @Test
    void noSourcesSaysSo() {
        assertThat(StatsReport.text(List.of())).isEqualTo("no figures: no bundle of this node publishes metrics");
    }
}
