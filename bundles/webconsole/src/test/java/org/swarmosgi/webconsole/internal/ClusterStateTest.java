package org.swarmosgi.webconsole.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.swarmosgi.webconsole.internal.ClusterEventsTest.member;
import static org.swarmosgi.webconsole.internal.ClusterEventsTest.ref;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.api.host.WorkerTypeStatus;
import org.swarmosgi.api.membership.DownReason;

class ClusterStateTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final ClusterEvents events = new ClusterEvents(Clock.fixed(NOW, ZoneOffset.UTC), 10);
    private final ClusterState.Self self = new ClusterState.Self(new NodeId("a", 7), "swarm");

    @Test
    void everyRingNodeWithItsShareAndWorkers_downNodesAfterThem() throws Exception {
        events.memberDown(member("c"), DownReason.FAILED);
        final ClusterState.Registry registry = new ClusterState.Registry(member("a"),
                List.of(member("a"), member("b")), true, true,
                Map.of("x", ref("a", 1), "y", ref("b", 2), "z", ref("b", 3)), Map.of("g", 2),
                Map.of(member("a").id(), new NodeProfile(member("a").id(), Set.of("gpu", "edge"), Set.of("counter"))));
        final JsonNode state = roundTrip(ClusterState.build(self, registry, List.of(member("a"), member("b")),
                List.of(new WorkerTypeStatus("counter", true, 3, 1, 5, 0, 0, 0, null, null)), events, NOW));

        assertThat(state.get("registry").asText()).isEqualTo("ready");
        final JsonNode nodes = state.get("nodes");
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(0).get("name").asText()).isEqualTo("a");
        assertThat(nodes.get(0).get("self").asBoolean()).isTrue();
        assertThat(nodes.get(0).get("workers").asInt()).isEqualTo(1);
        assertThat(nodes.get(1).get("workers").asInt()).isEqualTo(2);
        assertThat(nodes.get(0).get("roles").toString()).isEqualTo("[\"edge\",\"gpu\"]");
        assertThat(nodes.get(1).get("roles").isNull()).as("not heard yet").isTrue();
        assertThat(nodes.get(2).get("roles").isNull()).as("down").isTrue();
        assertThat(nodes.get(0).get("share").asDouble() + nodes.get(1).get("share").asDouble()).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(nodes.get(2).get("name").asText()).isEqualTo("c");
        assertThat(nodes.get(2).get("state").asText()).isEqualTo("down");
        assertThat(nodes.get(2).get("reason").asText()).isEqualTo("failed");
        assertThat(state.get("handoffs").asInt()).isEqualTo(1);
        assertThat(state.get("groups").get(0).get("members").asInt()).isEqualTo(2);
        assertThat(state.get("names").asInt()).isEqualTo(3);
    }

    @Test
    void aDownNodeBackOnTheRingIsShownUpOnce() throws Exception {
        events.memberDown(member("b"), DownReason.FAILED);
        final ClusterState.Registry registry = new ClusterState.Registry(member("a"),
                List.of(member("a"), member("b")), true, true, Map.of(), Map.of(), Map.of());
        final JsonNode nodes = roundTrip(ClusterState.build(self, registry, null, null, events, NOW)).get("nodes");
        assertThat(nodes).hasSize(2);
        assertThat(nodes.findValuesAsText("state")).containsExactly("up", "up");
    }

    @Test
    void withoutRegistryTheRingIsMembership_withoutEitherThisNodeAlone() throws Exception {
        JsonNode state = roundTrip(ClusterState.build(self, null, List.of(member("a"), member("b")), null, events, NOW));
        assertThat(state.get("registry").asText()).isEqualTo("not running");
        assertThat(state.get("nodes").findValuesAsText("name")).containsExactly("a", "b");
        state = roundTrip(ClusterState.build(self, null, null, null, events, NOW));
        assertThat(state.get("nodes").findValuesAsText("name")).containsExactly("a");
        assertThat(state.get("nodes").get(0).get("share").asDouble()).isEqualTo(1.0);
        assertThat(state.get("workerHost").asBoolean()).isFalse();
    }

    @Test
    void aHostileNodeNameStaysOneJsonString() throws Exception {
        final String hostile = "</script><img src=x onerror=alert(1)>\"'\\";
        final ClusterState.Self evil = new ClusterState.Self(new NodeId(hostile, 1), "swarm");
        final JsonNode state = roundTrip(ClusterState.build(evil, null, null, null, events, NOW));
        assertThat(state.get("self").get("name").asText()).isEqualTo(hostile);
        assertThat(state.get("nodes").get(0).get("name").asText()).isEqualTo(hostile);
    }

    private static JsonNode roundTrip(JsonNode tree) throws Exception {
        final ObjectMapper mapper = new ObjectMapper();
        return mapper.readTree(mapper.writeValueAsBytes(tree));
    }
}
