package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.host.WorkerTypeStatus;

class WorkersReportTest {

    @Test
    void oneRowPerTypeAndTheLastProblemsBelow_allWithin80Columns() {
        final String text = WorkersReport.format(List.of(
            new WorkerTypeStatus("counter", true, 1200, 3, 1500, 2, 7, 1, "'c-17' crashed: java.lang.OutOfMemoryError: "
                + "Java heap space, and a long tail that must be cut to the terminal's width\nwith a newline",
                Instant.parse("2026-11-30T13:40:05Z")),
            new WorkerTypeStatus("render", false, 0, 0, 0, 0, 0, 0, "not offered here: requires roles [gpu]",
                Instant.parse("2026-11-30T13:00:00Z")),
            new WorkerTypeStatus("a-worker-type-with-a-very-long-name", true, 0, 0, 0, 0, 0, 0, null, null)));
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Text.WIDTH));
        assertThat(text).contains("counter                  yes        1200      3     1500       2      7      1")
            .contains("render                   no            0")
            .contains("  counter 13:40:05 'c-17' crashed: java.lang.OutOfMemoryError")
            .contains("  render 13:00:00 not offered here: requires roles [gpu]")
            .doesNotContain("\nwith a newline");
    }

    @Test
    void aNodeWithoutTypesSaysSo() {
        assertThat(WorkersReport.format(List.of())).isEqualTo("no worker types on this node");
    }
}
