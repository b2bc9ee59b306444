package org.swarmosgi.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.swarmosgi.api.Endpoint;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.ring.HashRing;

class NodesReportTest {

    private static final Instant NOW = Instant.parse("2026-11-30T15:00:00Z");
    private static final NodeId ALPHA = new NodeId("alpha", 0x18a2b3c4d5e6L);
    private static final NodeId BETA = new NodeId("beta", 0x18a2b3c4d5e7L);
    private static final NodeId GAMMA = new NodeId("gamma-with-a-long-node-name", 0x18a2b3c4d5e8L);
    private static final NodeId DELTA = new NodeId("delta", 0x18a2b3c4d5e9L);
    private static final NodesReport.Self SELF = new NodesReport.Self(ALPHA, "127.0.0.1:40001", Set.of("gpu", "eu-west"));

    private static Member member(NodeId id, int port) {
        return new Member(id, new Endpoint("127.0.0.1", port));
    }

    /**
     * alpha (this node) and beta in both views, gamma joining (membership only, not heard from by the registry),
     * delta leaving (ring only).
     */
    private static NodesReport.Views views() {
        final List<Member> members = List.of(member(ALPHA, 40001), member(BETA, 40002), member(GAMMA, 40003));
        final List<Member> ring = List.of(member(ALPHA, 40001), member(BETA, 40002), member(DELTA, 40004));
        return new NodesReport.Views(members, Map.of(BETA, NOW.minusMillis(420), GAMMA, NOW.minusSeconds(75),
                DELTA, NOW.minusSeconds(3 * 3600 + 600)),
                new StatusReport.Topology(member(ALPHA, 40001), ring, true, true), Map.of(
                        ALPHA, new NodeProfile(ALPHA, Set.of("gpu", "eu-west"), Set.of("device", "counter")),
                        BETA, new NodeProfile(BETA, Set.of(), Set.of("counter")),
                        DELTA, new NodeProfile(DELTA, Set.of("edge"), Set.of())));
    }

    @Test
    void oneRowPerNodeOfEitherView_within80Columns() {
        final String text = NodesReport.format(SELF, views(), NOW);
        assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(Text.WIDTH));
        final HashRing ring = HashRing.of(List.of("alpha", "beta", "delta"));
        assertThat(text).isEqualTo(String.join("\n",
                "  NAME             INCARNATION  ENDPOINT        STATE   HEARD SHARE ROLES",
                "  alpha            18a2b3c4d5e6 127.0.0.1:40001 up       self " + share(ring, "alpha") + " eu-west,gpu",
                "  beta             18a2b3c4d5e7 127.0.0.1:40002 up       0.4s " + share(ring, "beta") + " -",
                "  delta            18a2b3c4d5e9 127.0.0.1:40004 leaving 3h10m " + share(ring, "delta") + " edge",
                "  gamma-with-a-... 18a2b3c4d5e8 127.0.0.1:40003 joining 1m15s     - ?",
                "4 nodes, 2 up; ring from the registry; ?: not heard from yet"));
    }

    private static String share(HashRing ring, String name) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", 100 * ring.share(name));
    }

    @Test
    void withoutRegistryOrMembershipThisNodeHoldsTheWholeRing() {
        final String text = NodesReport.format(SELF, new NodesReport.Views(null, Map.of(), null, null), NOW);
        assertThat(text).contains("  alpha 18a2b3c4d5e6 127.0.0.1:40001 up     self 100.0% eu-west,gpu\n")
                .endsWith("1 node, 1 up; ring of this node alone");
    }

    @Test
    void withoutRegistryOtherNodesRolesAreUnknown() {
        final String text = NodesReport.format(SELF, new NodesReport.Views(List.of(member(ALPHA, 40001),
                member(BETA, 40002)), Map.of(BETA, NOW.minusMillis(420)), null, null), NOW);
        assertThat(text).contains(" self ").contains(" eu-west,gpu\n").containsPattern("beta .* \\?\n")
                .endsWith("2 nodes, 2 up; ring from membership; other nodes' roles need the registry");
    }

    @Test
    void jsonHasEveryFieldAndParsesBack() throws Exception {
        final JsonNode doc = Json.MAPPER.readTree(Json.write(NodesReport.json(SELF, views(), NOW)));
        assertThat(doc.get("ring").asText()).isEqualTo("registry");
        final JsonNode nodes = doc.get("nodes");
        assertThat(nodes).hasSize(4);
        final JsonNode alpha = nodes.get(0);
        assertThat(alpha.get("node").asText()).isEqualTo("alpha");
        assertThat(alpha.get("incarnation").asText()).isEqualTo("18a2b3c4d5e6");
        assertThat(alpha.get("self").asBoolean()).isTrue();
        assertThat(alpha.get("lastHeartbeat").isNull()).isTrue();
        assertThat(alpha.get("roles").toString()).isEqualTo("[\"eu-west\",\"gpu\"]");
        assertThat(alpha.get("workerTypes").toString()).isEqualTo("[\"counter\",\"device\"]");
        final JsonNode beta = nodes.get(1);
        assertThat(beta.get("state").asText()).isEqualTo("up");
        assertThat(beta.get("lastHeartbeat").asText()).isEqualTo("2026-11-30T14:59:59.580Z");
        assertThat(beta.get("lastHeartbeatAgeMs").asLong()).isEqualTo(420);
        assertThat(beta.get("share").asDouble()).isBetween(0.0, 1.0);
        assertThat(beta.get("roles").toString()).isEqualTo("[]");
        assertThat(beta.get("workerTypes").toString()).isEqualTo("[\"counter\"]");
        assertThat(nodes.get(2).get("roles").toString()).isEqualTo("[\"edge\"]");
        assertThat(nodes.get(3).get("state").asText()).isEqualTo("joining");
        assertThat(nodes.get(3).get("roles").isNull()).isTrue();
        assertThat(nodes.get(3).get("workerTypes").isNull()).isTrue();
        assertThat(nodes.get(3).get("share").isNull()).isTrue();
        double total = 0;
        for (JsonNode n : nodes) {
            total += n.get("share").asDouble();
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void agesAreShort() {
        assertThat(NodesReport.ago(NOW.minusMillis(50), NOW)).isEqualTo("0.1s");
        assertThat(NodesReport.ago(NOW.minusSeconds(12), NOW)).isEqualTo("12s");
        assertThat(NodesReport.ago(NOW.minusSeconds(185), NOW)).isEqualTo("3m05s");
        assertThat(NodesReport.ago(NOW.plusSeconds(1), NOW)).isEqualTo("0.0s"); // a clock step back
    }
}
