package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.deployment.Deployment;
import org.swarmosgi.api.host.WorkerTypeStatus;

/** The --json documents of the reports: one line, well formed, camelCase fields, read back with Jackson. */
class JsonReportsTest {

    private static final NodeId ALPHA = new NodeId("alpha", 0x1a2bL);
    private static final Member SELF = new Member(ALPHA, new Endpoint("127.0.0.1", 40001));
    private static final Member BETA = new Member(new NodeId("beta", 0xbL), new Endpoint("127.0.0.2", 40002));

    private static JsonNode read(com.fasterxml.jackson.databind.node.ObjectNode doc) throws Exception {
        final String text = Json.write(doc);
        assertThat(text).doesNotContain("\n").startsWith("{").endsWith("}");
        return Json.MAPPER.readTree(text);
    }

    @Test
    void status() throws Exception {
        final JsonNode doc = read(StatusReport.json(
                new StatusReport.Node(ALPHA, "blue", "static", "127.0.0.1", "127.0.0.1", true),
                SELF.endpoint(), List.of(SELF, BETA), new StatusReport.Topology(SELF, List.of(SELF, BETA), true, true)));
        assertThat(doc.get("node").asText()).isEqualTo("alpha");
        assertThat(doc.get("incarnation").asText()).isEqualTo("1a2b");
        assertThat(doc.get("members").asInt()).isEqualTo(2);
        assertThat(doc.get("registry").asText()).isEqualTo("ready");
        assertThat(doc.get("defaultSecret").asBoolean()).isTrue();
        assertThat(doc.get("ring").get(0).get("self").asBoolean()).isTrue();
        assertThat(doc.get("ring").get(1).get("endpoint").asText()).isEqualTo("127.0.0.2:40002");
        assertThat(doc.get("ring").get(0).get("share").asDouble() + doc.get("ring").get(1).get("share").asDouble())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));

        final JsonNode alone = read(StatusReport.json(
                new StatusReport.Node(ALPHA, "blue", "none", "127.0.0.1", "127.0.0.1", false), null, null, null));
        assertThat(alone.get("transport").isNull()).isTrue();
        assertThat(alone.get("members").isNull()).isTrue();
        assertThat(alone.get("registry").asText()).isEqualTo("notRunning");
    }

    @Test
    void ping() throws Exception {
        final JsonNode doc = read(PingReport.json(SELF, List.of(PingReport.Result.ok(BETA, 1_250_000),
                PingReport.Result.failed(BETA, new IllegalStateException("no route")))));
        assertThat(doc.get("self").get("node").asText()).isEqualTo("alpha");
        assertThat(doc.get("members").get(0).get("rttMs").asDouble()).isEqualTo(1.25);
        assertThat(doc.get("members").get(1).get("error").asText()).isEqualTo("no route");
        assertThat(doc.get("answered").asInt()).isEqualTo(1);
        assertThat(doc.get("total").asInt()).isEqualTo(2);
    }

    @Test
    void workers() throws Exception {
        final JsonNode doc = read(WorkersReport.json(List.of(new WorkerTypeStatus("counter", true, 3, 1, 5, 2, 7, 1,
                "'c-1' crashed\nbadly", Instant.parse("2026-11-30T13:40:05Z")))));
        final JsonNode t = doc.get("types").get(0);
        assertThat(t.get("failedMessages").asLong()).isEqualTo(7);
        assertThat(t.get("handoffTimeouts").asLong()).isEqualTo(1);
        assertThat(t.get("lastError").asText()).isEqualTo("'c-1' crashed\nbadly"); // whole: JSON escapes it
        assertThat(t.get("lastErrorAt").asText()).isEqualTo("2026-11-30T13:40:05Z");
    }

    @Test
    void deployments() throws Exception {
        final Deployment d = new Deployment("org.example.x", "1.0.0", "ab".repeat(32), 10, 3, true, "alpha",
                List.of(new Deployment.NodeState("alpha", 3, "1.0.0", "ab".repeat(32), Deployment.State.ACTIVE, "")));
        final JsonNode doc = read(DeploymentReport.deploymentsJson(List.of(d), List.of("an error")));
        assertThat(doc.get("deployments").get(0).get("sha256").asText()).hasSize(64);
        assertThat(doc.get("deployments").get(0).get("nodes").get(0).get("state").asText()).isEqualTo("ACTIVE");
        assertThat(doc.get("recentErrors").get(0).asText()).isEqualTo("an error");
    }

    @Test
    void groupsMembersAndMulticallFit80ColumnsAndReadBack() throws Exception {
        final Map<String, Integer> groups = Map.of("g-" + "x".repeat(90), 2, "alarms", 1_000_000);
        assertThat(GroupReport.groups(groups).lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        assertThat(read(GroupReport.groupsJson(groups)).get("groups").get(0).get("group").asText()).isEqualTo("alarms");

        final List<GroupReport.Member> members = List.of(new GroupReport.Member("n".repeat(100), new WorkerRef(ALPHA, 1)),
                new GroupReport.Member("a", new WorkerRef(ALPHA, 2)));
        assertThat(GroupReport.members("alarms", members).lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        assertThat(read(GroupReport.membersJson("alarms", members)).get("members").get(0).get("name").asText()).isEqualTo("a");

        final List<GroupReport.Answer> answers = List.of(
                new GroupReport.Answer(members.get(0), GroupReport.Outcome.OK, 2_000_000, "r".repeat(200)),
                new GroupReport.Answer(members.get(1), GroupReport.Outcome.NO_REPLY, -1, "within 1100 ms"));
        assertThat(GroupReport.multicall("alarms", answers, 100).lines())
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        final JsonNode doc = read(GroupReport.multicallJson("alarms", answers, 100));
        assertThat(doc.get("answers").get(0).get("outcome").asText()).isEqualTo("noReply");
        assertThat(doc.get("answers").get(1).get("reply").asText()).hasSize(200);
        assertThat(doc.get("noReply").asInt()).isEqualTo(1);
    }
}
