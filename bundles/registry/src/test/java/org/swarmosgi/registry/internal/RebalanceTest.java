package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.registry.internal.Simulation.Node;
import org.swarmosgi.registry.internal.Simulation.Outcome;
import org.swarmosgi.ring.HashRing;

/**
 * A fourth node joins three that hold 400 names: only the names whose placement is the new node move
 * (about a quarter), each as its worker answers beginHandoff, a blocked one holding up no other.
 */
class RebalanceTest {
    private static final int NAMES = 400;

    /** Three nodes holding {@link #NAMES} names, every move keeping its state; then n3 joins and its moves end. */
    private static Simulation fourNodesAfterAJoin(long seed) {
        final Simulation sim = threeNodesWithNames(seed, new HashMap<>(), NAMES);
        sim.handoffWeights = new int[] {0, 1, 0}; // every move keeps the state: any other state is a loss
        sim.start("n3");
        sim.run(2_000);
        return sim;
    }

    /** Three nodes, then {@code names} permanent workers registered from all of them (refs into {@code refs}). */
    static Simulation threeNodesWithNames(long seed, Map<String, WorkerRef> refs, int names) {
        final Simulation sim = new Simulation(seed, Simulation.SETTINGS);
        for (int i = 0; i < 3; i++) {
            sim.start("n" + i);
        }
        sim.run(1_000);
        for (int i = 0; i < names; i++) {
            final Node n = sim.liveNodes().get(i % 3);
            final String name = "w" + i;
            final Outcome o = sim.call(n, id -> n.core.register(id, name, Simulation.PERMANENT, new byte[0], 2_000, false));
            while (!o.done) {
                sim.run(5);
            }
            assertThat(o.ok()).as("%s", o.error).isTrue();
            refs.put(name, (WorkerRef) o.result);
        }
        sim.run(1_000);
        return sim;
    }

    private static Map<String, WorkerRef> registered(Simulation sim) {
        return new HashMap<>(sim.liveNodes().get(0).core.registered());
    }

    @Test
    void aFourthNodeTakesAQuarterAndOnlyThose() {
        for (HandoffDecision.Kind only : HandoffDecision.Kind.values()) {
            final Map<String, WorkerRef> before = new HashMap<>();
            final Simulation sim = threeNodesWithNames(only.ordinal(), before, NAMES);
            sim.handoffWeights = new int[] {only == HandoffDecision.Kind.RESTART ? 1 : 0,
                only == HandoffDecision.Kind.RESUME ? 1 : 0, only == HandoffDecision.Kind.IGNORE ? 1 : 0};
            final Node d = sim.start("n3");
            sim.run(3_000);
            final Map<String, WorkerRef> after = registered(sim);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            int moved = 0;
            int placedOnD = 0;
            for (Map.Entry<String, WorkerRef> e : after.entrySet()) {
                final boolean toD = d.id.equals(d.core.placementOf(e.getKey(), Simulation.PERMANENT));
                placedOnD += toD ? 1 : 0;
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    moved++;
                    final byte[] was = sim.node(before.get(e.getKey()).node()).workers.get(before.get(e.getKey())).state;
                    final byte[] is = sim.node(e.getValue().node()).workers.get(e.getValue()).state;
                    if (only == HandoffDecision.Kind.RESUME) {
                        assertThat(is).as("%s resumed with its state", e.getKey()).isEqualTo(was);
                    } else {
                        assertThat(is).as("%s restarted fresh", e.getKey()).isNotEqualTo(was);
                    }
                    assertThat(toD).as("%s moved though its placement did not change", e.getKey()).isTrue();
                    assertThat(e.getValue().node()).isEqualTo(d.id);
                } else if (only != HandoffDecision.Kind.IGNORE) {
                    assertThat(toD).as("%s should have moved", e.getKey()).isFalse();
                }
            }
            assertThat(placedOnD).as("names placed on the new node").isBetween(NAMES / 4 - 40, NAMES / 4 + 40);
            assertThat(moved).as("%s: moved", only).isEqualTo(only == HandoffDecision.Kind.IGNORE ? 0 : placedOnD);
            assertThat(sim.handoffs.get(only)).as("handoffs answered %s", only).isEqualTo(placedOnD);
            assertThat(sim.violations).isEmpty();
            for (Node n : sim.liveNodes()) {
                // A move is not a duplicate: no instance was told it lost a conflict.
                assertThat(n.workers.values().stream().mapToInt(w -> w.conflictsResolved).sum()).as("conflicts on %s", n.id).isZero();
                assertThat(n.liveWorkers()).hasSize((int) after.values().stream().filter(r -> r.node().equals(n.id)).count());
            }
        }
    }

    @Test
    void theOldNodesStartMovingAsSoonAsANewNodeThatSawThemLastAnswers() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(3, before, NAMES);
        sim.handoffWeights = new int[] {0, 1, 0};
        // The others see the new node, and ask it for its records, before it sees them (5-154 ms vs 200 ms): as
        // when a node joins and its registry starts after its membership. It drops what they ask meanwhile.
        sim.viewDelays.put("n3", 200L);
        final long t0 = sim.now();
        final Node d = sim.start("n3");
        sim.run(200);
        assertThat(sim.liveNodes().stream().filter(n -> n != d).map(n -> n.core.ready())).as("ready before it saw them")
            .containsOnly(false);
        sim.run(30); // a few message delays, well below the 300 ms after which they would ask it again
        for (Node n : sim.liveNodes()) {
            assertThat(n.core.ready()).as("%s ready %d ms after n3 started", n.id, sim.now() - t0).isTrue();
        }
        assertThat(d.liveWorkers()).as("moved to n3 by then").isNotEmpty();
        sim.run(3_000);
        for (Map.Entry<String, WorkerRef> e : registered(sim).entrySet()) {
            final boolean toD = d.id.equals(d.core.placementOf(e.getKey(), Simulation.PERMANENT));
            assertThat(e.getValue().node().equals(d.id)).as("%s on n3", e.getKey()).isEqualTo(toD);
            assertThat(sim.node(e.getValue().node()).workers.get(e.getValue()).state).as("%s kept its state", e.getKey())
                .isEqualTo(sim.node(before.get(e.getKey()).node()).workers.get(before.get(e.getKey())).state);
        }
        assertThat(sim.violations).isEmpty();
    }

    @Test
    void aSyncWhoseAnswerTakesLongerThanTheTimeoutCompletes() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(4, before, NAMES);
        // Every sync answer arrives 450 ms after it was sent, past the 300 ms sync timeout (a large answer on a loaded
        // machine): asked anew at each timeout, each answer would come for a request given up already.
        sim.extraDelay = m -> m instanceof Msg.SyncReply ? 450 : 0;
        sim.handoffWeights = new int[] {0, 1, 0}; // every worker resumes: one that answered ignore would stay put
        final Node d = sim.start("n3");
        sim.run(3_000);
        for (Node n : sim.liveNodes()) {
            assertThat(n.core.ready()).as("%s ready", n.id).isTrue();
            assertThat(n.core.registered()).as("%s sees every name", n.id).hasSize(NAMES);
        }
        for (Map.Entry<String, WorkerRef> e : registered(sim).entrySet()) {
            final boolean toD = d.id.equals(d.core.placementOf(e.getKey(), Simulation.PERMANENT));
            assertThat(e.getValue().node().equals(d.id)).as("%s on n3", e.getKey()).isEqualTo(toD);
        }
        assertThat(sim.violations).isEmpty();
    }

    @Test
    void aJoinerTakesItsMovesBeforeItsReplicaIsWhole() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(5, before, NAMES);
        // The hosts' sync answers (the joiner's own, to them, is empty) reach the joiner after their first StartReqs, as
        // when its registry takes the StartReqs queued behind the large answers first: a move needs the joiner's
        // quorum and types, not its replica.
        sim.extraDelay = m -> m instanceof Msg.SyncReply r && !r.records().isEmpty() ? 250 : 0;
        sim.handoffWeights = new int[] {0, 1, 0};
        final Node d = sim.start("n3");
        sim.run(200);
        assertThat(d.liveWorkers()).as("moved to n3 before any sync answer").isNotEmpty();
        assertThat(d.core.registered().size()).as("names n3 knows by then").isLessThan(NAMES);
        sim.run(3_000);
        assertThat(d.core.registered()).as("n3 sees every name").hasSize(NAMES);
        for (Map.Entry<String, WorkerRef> e : registered(sim).entrySet()) {
            final boolean toD = d.id.equals(d.core.placementOf(e.getKey(), Simulation.PERMANENT));
            assertThat(e.getValue().node().equals(d.id)).as("%s on n3", e.getKey()).isEqualTo(toD);
            assertThat(sim.node(e.getValue().node()).workers.get(e.getValue()).state).as("%s kept its state", e.getKey())
                .isEqualTo(sim.node(before.get(e.getKey()).node()).workers.get(before.get(e.getKey())).state);
        }
        for (Node n : sim.liveNodes()) {
            assertThat(n.liveWorkers()).as("workers on %s", n.id)
                .hasSize((int) registered(sim).values().stream().filter(r -> r.node().equals(n.id)).count());
        }
        assertThat(sim.violations).isEmpty();
    }

    @Test
    void aWorkerThatNeverAnswersHoldsUpNoOther() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(7, before, NAMES);
        sim.handoffWeights = new int[] {0, 1, 0};
        // One of the names the new node will take never answers beginHandoff; every other one does.
        final HashRing four = HashRing.of(Set.of("n0", "n1", "n2", "n3"), Simulation.SETTINGS.virtualNodes());
        final String blocked = before.keySet().stream().filter(name -> four.owner(name).equals("n3")).findFirst().orElseThrow();
        sim.stuck.add(blocked);
        final Node d = sim.start("n3");
        sim.run(3_000);
        final Map<String, WorkerRef> after = registered(sim);
        for (Map.Entry<String, WorkerRef> e : after.entrySet()) {
            if (!e.getKey().equals(blocked) && d.id.equals(d.core.placementOf(e.getKey(), Simulation.PERMANENT))) {
                assertThat(e.getValue().node()).as("%s moved", e.getKey()).isEqualTo(d.id);
            }
        }
        assertThat(after.get(blocked)).isEqualTo(before.get(blocked));
    }

    @Test
    void aCrashedNodesWorkersStartAgainFromTheirLastCheckpoint() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(11, before, NAMES);
        final Node victim = sim.liveNodes().get(1);
        final Map<String, byte[]> states = new HashMap<>();
        victim.workers.forEach((ref, w) -> {
            if (w.alive) {
                states.put(w.name, w.state);
            }
        });
        assertThat(states).isNotEmpty();
        // Each name's checkpoint is on its first checkpoint.copies successors: here both nodes other than its host.
        final HashRing ring = HashRing.of(Set.of("n0", "n1", "n2"), Simulation.SETTINGS.virtualNodes());
        final String[] successors = new String[Simulation.SETTINGS.checkpointCopies()];
        for (Node n : sim.liveNodes()) {
            int expected = 0;
            for (Map.Entry<String, WorkerRef> e : before.entrySet()) {
                final int k = ring.successors(e.getKey(), e.getValue().node().name(), successors);
                expected += java.util.Arrays.asList(successors).subList(0, k).contains(n.id.name()) ? 1 : 0;
            }
            assertThat(n.core.replicaCount()).as("checkpoints held by %s, only of names it would host next", n.id)
                .isEqualTo(expected);
        }
        sim.crash(victim.id.name());
        sim.run(2_000);
        final Map<String, WorkerRef> after = registered(sim);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(sim.fromCheckpoint).isEqualTo(states.size());
        for (Map.Entry<String, byte[]> e : states.entrySet()) {
            final WorkerRef now = after.get(e.getKey());
            assertThat(sim.node(now.node()).workers.get(now).state).as("%s kept its checkpointed state", e.getKey())
                .isEqualTo(e.getValue());
        }
        assertThat(sim.violations).isEmpty();
    }

    @Test
    void aCheckpointTheWorkerAsksForIsWhatItsRestartStartsFrom() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(12, before, NAMES);
        final Node victim = sim.liveNodes().get(1);
        final Map<String, byte[]> changed = new HashMap<>();
        victim.workers.forEach((ref, w) -> {
            if (w.alive) {
                w.state = ("changed " + w.name).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                changed.put(w.name, w.state);
                victim.core.checkpointRequested(ref);
                victim.core.checkpointRequested(ref); // coalesced: taken once more after the first
            }
        });
        victim.core.flush();
        assertThat(changed).isNotEmpty();
        sim.run(6); // well within the type's 100 ms interval: a round carries the change for a few names at most
        sim.crash(victim.id.name());
        sim.run(2_000);
        final Map<String, WorkerRef> after = registered(sim);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (Map.Entry<String, byte[]> e : changed.entrySet()) {
            final WorkerRef now = after.get(e.getKey());
            assertThat(sim.node(now.node()).workers.get(now).state).as("%s restarted from the checkpoint it asked for", e.getKey())
                .isEqualTo(e.getValue());
        }
        assertThat(sim.violations).isEmpty();
    }

    /** Each name's worker state now, by name. */
    private static Map<String, byte[]> states(Simulation sim) {
        final Map<String, byte[]> states = new HashMap<>();
        registered(sim).forEach((name, ref) -> states.put(name, sim.node(ref.node()).workers.get(ref).state));
        return states;
    }

    private static void assertSameStates(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, state) -> assertThat(new String(actual.get(name), java.nio.charset.StandardCharsets.UTF_8))
            .as("the state of %s", name).isEqualTo(new String(state, java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * The node the workers move to dies as soon as the first of them runs there, before its first checkpoint
     * round of them: those that had moved restart from the state they moved with (replicated to their
     * successor when they started), those still on the way start again on their old host with it.
     */
    @Test
    void aJoinerKilledWhileWorkersMoveToItLosesNoStateTheyMovedWith() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(21, before, NAMES);
        sim.handoffWeights = new int[] {0, 1, 0};
        final Map<String, byte[]> states = states(sim);
        final Node d = sim.start("n3");
        while (d.liveWorkers().isEmpty()) {
            sim.run(1);
        }
        final int arrived = d.liveWorkers().size();
        sim.crash("n3");
        sim.run(3_000);
        assertThat(arrived).as("moved before the crash").isPositive();
        assertThat(sim.handoffs.get(HandoffDecision.Kind.RESUME)).as("handoffs begun").isGreaterThan(arrived);
        assertSameStates(states, states(sim));
        assertThat(sim.violations).isEmpty();
    }

    /**
     * Two failovers in a row: a node dies, and the node that restarts its first workers from their checkpoints
     * dies as soon as they run, before its own checkpoint round of them: they start again from that state, also
     * when the name's new owner knows only the first dead instance. So do the names whose first successor's copy
     * died with the other node (the second node's own workers checkpointed on the first, the first's
     * checkpointed on the second and not started there yet): their second successor holds one too.
     */
    @Test
    void workersRestartedFromCheckpointsKeepTheirStateWhenTheirNewNodeDiesToo() {
        final Simulation sim = fourNodesAfterAJoin(22);
        final Map<String, byte[]> states = states(sim);
        // Every node sees the death at once: a node that restarts a worker before it sees its old host die
        // computes that worker's successor with the dead node still in, and may send it the state.
        for (String n : Set.of("n0", "n1", "n2", "n3")) {
            sim.viewDelays.put(n, 50L);
        }
        final Set<String> onA = new HashSet<>();
        sim.node("n1").workers.values().forEach(w -> {
            if (w.alive) {
                onA.add(w.name);
            }
        });
        sim.crash("n1");
        Node b = null;
        while (b == null) {
            sim.run(1);
            for (Node n : sim.liveNodes()) {
                if (n.workers.values().stream().anyMatch(w -> w.alive && onA.contains(w.name))) {
                    b = n;
                }
            }
        }
        final Set<String> restartedOnB = new HashSet<>();
        final Set<String> firstCopyDied = new HashSet<>();
        final HashRing all = HashRing.of(Set.of("n0", "n1", "n2", "n3"), Simulation.SETTINGS.virtualNodes());
        final HashRing withoutA = all.remove("n1");
        final HashRing withoutB = all.remove(b.id.name());
        b.workers.values().forEach(w -> {
            if (w.alive && onA.contains(w.name)) {
                restartedOnB.add(w.name);
            } else if (w.alive && withoutB.owner(w.name).equals("n1")) {
                firstCopyDied.add(w.name); // B's own, checkpointed on A
            }
        });
        for (String name : onA) {
            if (!restartedOnB.contains(name) && withoutA.owner(name).equals(b.id.name())) {
                firstCopyDied.add(name); // A's, checkpointed on B, not started there yet
            }
        }
        sim.crash(b.id.name());
        sim.run(3_000);
        assertThat(restartedOnB).isNotEmpty();
        assertThat(firstCopyDied).isNotEmpty();
        final Map<String, byte[]> after = states(sim);
        assertThat(after.keySet()).isEqualTo(states.keySet());
        assertSameStates(states, after);
        assertThat(sim.violations).isEmpty();
    }

    /**
     * A worker's host and its first successor die in the same tick: the second successor, where the failover
     * starts it now, holds a copy of its checkpoint (checkpoint.copies = 2), so it keeps its state. So do the
     * first successor's own workers, whose first successor was the host.
     */
    @Test
    void aWorkerWhoseHostAndFirstSuccessorDieTogetherRestartsFromItsCheckpoint() {
        final Simulation sim = fourNodesAfterAJoin(23);
        final Map<String, byte[]> states = states(sim);
        final HashRing withoutHost = HashRing.of(Set.of("n0", "n1", "n2", "n3"), Simulation.SETTINGS.virtualNodes())
            .remove("n1");
        final Node host = sim.node("n1");
        final String first = withoutHost.owner(host.workers.get(host.liveWorkers().iterator().next()).name);
        final HashRing withoutBoth = withoutHost.remove(first);
        final Map<String, String> secondSuccessor = new HashMap<>();
        int onDead = 0;
        for (String dead : Set.of("n1", first)) {
            final Node n = sim.node(dead);
            for (WorkerRef ref : n.liveWorkers()) {
                final Simulation.Worker w = n.workers.get(ref);
                onDead++;
                if (dead.equals("n1") && withoutHost.owner(w.name).equals(first)) {
                    secondSuccessor.put(w.name, withoutBoth.owner(w.name));
                }
            }
        }
        assertThat(secondSuccessor).isNotEmpty();
        sim.fromCheckpoint = 0;
        sim.crash("n1");
        sim.crash(first);
        sim.run(3_000);
        assertSameStates(states, states(sim));
        assertThat(sim.fromCheckpoint).as("restarts from a checkpoint").isEqualTo(onDead);
        final Map<String, WorkerRef> after = registered(sim);
        secondSuccessor.forEach((name, node) -> assertThat(after.get(name).node().name())
            .as("%s restarted on its second successor", name).isEqualTo(node));
        assertThat(sim.violations).isEmpty();
    }

    @Test
    void aDrainedNodeHandsEveryWorkerOffBeforeItStops() {
        final Map<String, WorkerRef> before = new HashMap<>();
        final Simulation sim = threeNodesWithNames(5, before, NAMES);
        sim.handoffWeights = new int[] {0, 1, 0};
        final Node leaving = sim.liveNodes().get(2);
        final long onIt = before.values().stream().filter(r -> r.node().equals(leaving.id)).count();
        assertThat(onIt).isPositive();
        final Outcome o = sim.call(leaving, id -> leaving.core.leave(id));
        while (!o.done) {
            sim.run(5);
        }
        assertThat(o.ok()).as("%s", o.error).isTrue();
        assertThat(leaving.core.ownRecords()).isEmpty();
        // A peer that sees a handed-off worker before it sees the leaving node's types may move it once more.
        assertThat(sim.handoffs.get(HandoffDecision.Kind.RESUME)).isBetween((int) onIt, (int) onIt + 5);
        sim.crash(leaving.id.name());
        sim.run(2_000);
        final Map<String, WorkerRef> after = registered(sim);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(sim.fromCheckpoint).as("nothing restarted after the stop").isZero();
        for (Map.Entry<String, WorkerRef> e : before.entrySet()) {
            if (e.getValue().node().equals(leaving.id)) {
                final WorkerRef now = after.get(e.getKey());
                assertThat(sim.node(now.node()).workers.get(now).state).as("%s handed its state on", e.getKey())
                    .isEqualTo(leaving.workers.get(e.getValue()).state);
            } else {
                assertThat(after.get(e.getKey())).as("%s stayed", e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void aDuplicateFromAPartitionEndsInTheInstanceOnItsPlacementWithTheOthersState() {
        for (long seed = 0; seed < 20; seed++) {
            final Simulation sim = new Simulation(seed, Simulation.SETTINGS);
            for (int i = 0; i < 3; i++) {
                sim.start("n" + i);
            }
            sim.run(1_000);
            // A name placed on n0 when all three are up: n0's instance is on its placement after the heal.
            final HashRing three = HashRing.of(Set.of("n0", "n1", "n2"), Simulation.SETTINGS.virtualNodes());
            final String name = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "dup" + i)
                .filter(n -> three.owner(n).equals("n0")).findFirst().orElseThrow();
            sim.partition(Set.of("n0"));
            sim.run(500);
            final WorkerRef onN0 = register(sim, sim.node("n0"), name);
            final WorkerRef other = register(sim, sim.node("n1"), name);
            assertThat(other.node()).isNotEqualTo(onN0.node());
            sim.heal();
            sim.run(3_000);
            for (Node n : sim.liveNodes()) {
                assertThat(n.core.whereis(name)).as("seed %d on %s", seed, n.id).contains(onN0);
            }
            assertThat(sim.node("n0").workers.get(onN0).conflictsResolved).as("seed %d: the other's state merged", seed)
                .isEqualTo(1);
            assertThat(sim.node(other.node()).workers.get(other).alive).isFalse();
        }
    }

    private static WorkerRef register(Simulation sim, Node n, String name) {
        final Outcome o = sim.call(n, id -> n.core.register(id, name, Simulation.PERMANENT, new byte[0], 2_000, false));
        while (!o.done) {
            sim.run(5);
        }
        assertThat(o.ok()).as("%s", o.error).isTrue();
        return (WorkerRef) o.result;
    }
}
