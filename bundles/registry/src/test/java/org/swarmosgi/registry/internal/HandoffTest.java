package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.NotRegisteredException;
import org.swarmosgi.api.Rebalance;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.registry.internal.Simulation.Node;
import org.swarmosgi.registry.internal.Simulation.Outcome;

/**
 * {@code handoff(name)} and {@code rebalance()} in the seeded simulation: three nodes hold 120 names, a
 * fourth joins while every worker answers ignore to beginHandoff, so the names placed on it stay where
 * they are (misplaced). An operator then moves one of them, or a node's whole lot, without a topology change.
 */
class HandoffTest {
    private static final int NAMES = 120;

    private final Map<String, WorkerRef> before = new HashMap<>();
    private Simulation sim;
    private Node d;

    /** Three nodes with names, then a fourth while workers ignore their moves; then workers resume when asked. */
    private void misplacedWorkers(long seed) {
        sim = RebalanceTest.threeNodesWithNames(seed, before, NAMES);
        sim.handoffWeights = new int[] {0, 0, 1};
        d = sim.start("n3");
        sim.run(3_000);
        assertThat(misplaced()).as("names placed on the new node that stayed").isNotEmpty();
        sim.handoffWeights = new int[] {0, 1, 0};
    }

    /** Names whose worker runs elsewhere than their placement, as n0 sees it. */
    private List<String> misplaced() {
        return sim.liveNodes().get(0).core.registered().entrySet().stream()
            .filter(e -> !e.getValue().node().equals(d.core.placementOf(e.getKey(), Simulation.PERMANENT)))
            .map(Map.Entry::getKey).sorted().toList();
    }

    private Outcome await(Outcome o) {
        for (int i = 0; i < 2_000 && !o.done; i++) {
            sim.run(5);
        }
        assertThat(o.done).as("answered").isTrue();
        return o;
    }

    @Test
    void handoffMovesAMisplacedWorkerToItsPlacementAtOnce_askedFromAnyNode() {
        for (long seed = 0; seed < 5; seed++) {
            before.clear();
            misplacedWorkers(seed);
            final List<String> misplaced = misplaced();
            final String name = misplaced.get(0);
            final WorkerRef was = before.get(name);
            // Asked from a node that neither hosts it nor (necessarily) owns it: the request travels.
            final Node asker = sim.liveNodes().stream().filter(n -> !n.id.equals(was.node())).findFirst().orElseThrow();
            final Outcome o = await(sim.call(asker, id -> asker.core.handoff(id, name, 2_000)));

            assertThat(o.ok()).as("seed %d: %s", seed, o.error).isTrue();
            final WorkerRef now = (WorkerRef) o.result;
            assertThat(now.node()).as("seed %d", seed).isEqualTo(d.id);
            sim.run(500);
            for (Node n : sim.liveNodes()) {
                assertThat(n.core.whereis(name)).as("seed %d on %s", seed, n.id).contains(now);
            }
            assertThat(sim.node(now.node()).workers.get(now).state).as("resumed with its state")
                .isEqualTo(sim.node(was.node()).workers.get(was).state);
            // Only that one moved: the others still wait for a topology change or a rebalance.
            assertThat(misplaced()).as("seed %d", seed).isEqualTo(misplaced.subList(1, misplaced.size()));
            assertThat(sim.violations).isEmpty();
        }
    }

    @Test
    void aWorkerOnItsPlacementStays_anUnknownNameIsNotRegistered_anIgnoringWorkerSaysSo() {
        misplacedWorkers(3);
        final Node n0 = sim.liveNodes().get(0);
        final String placed = before.keySet().stream().sorted().filter(name -> !misplaced().contains(name))
            .findFirst().orElseThrow();
        final Outcome stays = await(sim.call(n0, id -> n0.core.handoff(id, placed, 2_000)));
        assertThat(stays.ok()).as("%s", stays.error).isTrue();
        assertThat(stays.result).isEqualTo(before.get(placed));

        final Outcome unknown = await(sim.call(n0, id -> n0.core.handoff(id, "nobody", 2_000)));
        assertThat(unknown.error).isInstanceOf(NotRegisteredException.class);

        sim.handoffWeights = new int[] {0, 0, 1};
        final String name = misplaced().get(0);
        final Outcome ignored = await(sim.call(n0, id -> n0.core.handoff(id, name, 2_000)));
        assertThat(ignored.error).isExactlyInstanceOf(SwarmException.class)
            .hasMessage("'" + name + "' stays on " + before.get(name).node() + ": its worker answered ignore to beginHandoff");
        assertThat(n0.core.whereis(name)).contains(before.get(name));
    }

    /**
     * The answer that the worker answered ignore is lost: the handoff asked again is told so again, not turned
     * into a second move that asks the worker once more.
     */
    @Test
    void aHandoffWhoseIgnoreAnswerWasLostDoesNotAskTheWorkerAgain() {
        misplacedWorkers(3);
        final Node n0 = sim.liveNodes().get(0);
        sim.handoffWeights = new int[] {0, 0, 1};
        final String name = misplaced().get(0);
        final int ignoredBefore = sim.handoffs.getOrDefault(HandoffDecision.Kind.IGNORE, 0);
        final boolean[] dropped = {false};
        sim.drop = m -> m instanceof Msg.Reply r && r.status() == Msg.Status.FAILED && !dropped[0] && (dropped[0] = true);
        final Outcome ignored = await(sim.call(n0, id -> n0.core.handoff(id, name, 2_000)));
        assertThat(dropped[0]).as("the answer was lost").isTrue();
        assertThat(ignored.error).isExactlyInstanceOf(SwarmException.class)
            .hasMessage("'" + name + "' stays on " + before.get(name).node() + ": its worker answered ignore to beginHandoff");
        assertThat(sim.handoffs.get(HandoffDecision.Kind.IGNORE) - ignoredBefore).as("beginHandoff asked").isEqualTo(1);
    }

    @Test
    void rebalanceMovesEveryMisplacedWorkerOfThatNodeOnly() {
        misplacedWorkers(9);
        final Node n1 = sim.node("n1");
        final List<String> onN1 = misplaced().stream().filter(name -> before.get(name).node().equals(n1.id)).toList();
        assertThat(onN1).isNotEmpty();
        final List<String> elsewhere = misplaced().stream().filter(name -> !onN1.contains(name)).toList();

        final Outcome o = await(sim.call(n1, id -> n1.core.rebalanceNow(id)));
        final Rebalance pass = (Rebalance) o.result;
        assertThat(pass.moving().size() + pass.queued()).isEqualTo(onN1.size());
        assertThat(pass.moving()).allSatisfy(m -> {
            assertThat(m.worker().node()).isEqualTo(n1.id);
            assertThat(m.to()).isEqualTo(d.id);
        });
        sim.run(2_000);

        assertThat(misplaced()).isEqualTo(elsewhere);
        final Outcome after = await(sim.call(n1, id -> n1.core.rebalanceNow(id)));
        assertThat(((Rebalance) after.result).moving()).isEmpty();
        assertThat(((Rebalance) after.result).queued()).isZero();
        assertThat(sim.violations).isEmpty();
    }
}
