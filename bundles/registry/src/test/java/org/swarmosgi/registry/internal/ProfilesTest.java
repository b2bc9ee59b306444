package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;

/**
 * Every node learns each peer's roles and offered worker types (operators' {@code swarm:nodes}): from the peer's
 * Types operation, or from its sync answer when the peer told them before this node joined; a peer that drains
 * offers nothing, and one that dies is forgotten.
 */
class ProfilesTest {

    private static final Set<String> BOTH = Set.of(Simulation.PERMANENT, Simulation.TEMPORARY);

    @Test
    void everyNodeKnowsEveryPeersRolesAndTypes() {
        final Simulation sim = new Simulation(7, Simulation.SETTINGS);
        sim.roles.put("n2", Set.of("gpu"));
        sim.roles.put("n3", Set.of("edge", "eu-west"));
        for (String name : new String[] {"n1", "n2", "n3"}) {
            sim.start(name);
        }
        final Simulation.Node n1 = sim.node("n1");
        assertThat(n1.core.profiles()).as("before any peer is heard from").containsOnlyKeys(n1.id);
        sim.run(2_000);
        final Map<String, Set<String>> expectedRoles = Map.of("n1", Set.of(), "n2", Set.of("gpu"), "n3",
            Set.of("edge", "eu-west"));
        for (Simulation.Node n : sim.liveNodes()) {
            assertProfiles(sim, n, expectedRoles);
        }

        sim.start("n4"); // joins after its peers told their roles: it learns them from their sync answers
        sim.run(2_000);
        final Map<String, Set<String>> withJoiner = new java.util.HashMap<>(expectedRoles);
        withJoiner.put("n4", Set.of());
        for (Simulation.Node n : sim.liveNodes()) {
            assertProfiles(sim, n, withJoiner);
        }

        final Simulation.Outcome drained = sim.call(sim.node("n2"), id -> sim.node("n2").core.leave(id));
        sim.crash("n3");
        sim.run(2_000);
        assertThat(drained.ok()).as("drained: %s", drained.error).isTrue();
        final Map<NodeId, NodeProfile> seen = sim.node("n4").core.profiles();
        assertThat(seen).containsOnlyKeys(sim.node("n1").id, sim.node("n2").id, sim.node("n4").id);
        assertThat(seen.get(sim.node("n2").id)).isEqualTo(new NodeProfile(sim.node("n2").id, Set.of("gpu"), Set.of()));
    }

    private static void assertProfiles(Simulation sim, Simulation.Node observer, Map<String, Set<String>> roles) {
        final Map<NodeId, NodeProfile> seen = observer.core.profiles();
        assertThat(seen).as("profiles seen by %s", observer.id).hasSize(roles.size());
        roles.forEach((name, expected) -> {
            final NodeId id = sim.node(name).id;
            assertThat(seen.get(id)).as("%s seen by %s", name, observer.id).isEqualTo(new NodeProfile(id, expected, BOTH));
        });
    }
}
