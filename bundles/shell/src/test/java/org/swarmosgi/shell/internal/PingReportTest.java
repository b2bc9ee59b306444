package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.transport.TransportException;

class PingReportTest {

    private static Member member(String name, int port) {
        return new Member(new NodeId(name, 1), new Endpoint("127.0.0.1", port));
    }

    @Test
    void listsEachMemberWithItsRoundTripOrError() {
        final String text = PingReport.format(member("a", 1), List.of(
                PingReport.Result.ok(member("b", 40001), 1_234_567),
                PingReport.Result.failed(member("node-c", 40002),
                        new TransportException(TransportException.Reason.NOT_CONNECTED, "no stream"))));
        assertThat(text).isEqualTo(
                "b       127.0.0.1:40001        ok  1.235 ms\n"
                + "node-c  127.0.0.1:40002        FAILED  NOT_CONNECTED: no stream\n"
                + "1 of 2 members answered");
    }

    @Test
    void saysSoWhenAlone() {
        assertThat(PingReport.format(member("a", 1), List.of())).startsWith("no other member to ping");
    }

    @Test
    void longNamesAndErrorsAreCutTo80Columns() {
        final String alone = PingReport.format(member("itest-registry-in-container", 1), List.of());
        assertThat(alone.length()).isLessThanOrEqualTo(Text.WIDTH);
        final String text = PingReport.format(member("a", 1), List.of(PingReport.Result.failed(
                member("a-node-with-a-rather-long-name-indeed", 40002),
                new TransportException(TransportException.Reason.NOT_CONNECTED, "no stream ".repeat(20)))));
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Text.WIDTH));
        assertThat(text).startsWith("a-node-with-a-rather-...  127.0.0.1:40002        FAILED  NOT_CONNECTED: no st...");
    }
}
