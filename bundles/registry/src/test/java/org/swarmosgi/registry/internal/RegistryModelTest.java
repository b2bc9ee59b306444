package org.swarmosgi.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.swarmosgi.api.AlreadyRegisteredException;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.registry.internal.Simulation.Node;
import org.swarmosgi.registry.internal.Simulation.Outcome;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The registry state machine in the seeded simulation, against a sequential model: random histories
 * of registrations (also from every node at once), unregistrations, group changes, worker and node
 * crashes, node starts, partitions and heals, message loss and reordering, over 3 to 7 nodes. After
 * each history the world settles (heal, no loss) and every node is checked: no name held by two live
 * workers, every live registered worker found by every node, no record of anything dead, groups as
 * the model says. A failing history prints its seed; jqwik replays it.
 */
class RegistryModelTest {
    private static final long OP_TIMEOUT_MS = 2_000;
    /**
     * The build runs the same histories every time, so that it is deterministic: a history that fails is a
     * defect to fix, found by exploring (this seed removed and the tries raised, e.g. 20,000, locally), kept
     * as an {@code @Example} below once fixed.
     */
    static final String CI_SEED = "20261130";
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f"};
    private static final String[] GROUPS = {"g1", "g2"};

    sealed interface Action {
    }

    record Register(int node, int name, boolean permanent, boolean orExisting) implements Action {
    }

    record RegisterEverywhere(int name) implements Action {
    }

    record RegisterLocal(int node, int name) implements Action {
    }

    record Unregister(int node, int name) implements Action {
    }

    record Join(int node, int group, int name, boolean leave) implements Action {
    }

    record CrashWorker(int name) implements Action {
    }

    /** A send by name: resolved from the sender's replica, or asked of the name's owner. */
    record Send(int node, int name) implements Action {
    }

    record CrashNode(int node) implements Action {
    }

    /** Two node crashes {@code gapMs} apart: the second often hits a failover of the first in flight. */
    record CrashTwice(int first, int second, int gapMs) implements Action {
    }

    record StartNode(int node) implements Action {
    }

    /** A graceful stop: the node hands its workers off (drain), then stops. */
    record Drain(int node) implements Action {
    }

    /** An operator's handoff of one name, asked from a node: its worker moves to its placement if it is off it. */
    record Handoff(int node, int name) implements Action {
    }

    /** An operator's rebalance pass on a node: its workers off their placement move, ignorers included. */
    record Rebalance(int node) implements Action {
    }

    /** A node stops offering the permanent type (its workers of it stop), or offers it again. */
    record TogglePermanent(int node) implements Action {
    }

    record Partition(int mask) implements Action {
    }

    record Heal() implements Action {
    }

    record Loss(int percent, int maxDelay) implements Action {
    }

    record Wait(int ms) implements Action {
    }

    /** Monitors, from a node, the worker that holds a name now (if any): it completes once that worker ends. */
    record Monitor(int node, int name) implements Action {
    }

    @Property(tries = 1000, seed = CI_SEED)
    void convergesToTheModel(@ForAll @IntRange(min = 3, max = 7) int nodes, @ForAll long seed,
                             @ForAll("histories") List<Action> history) {
        new Run(nodes, seed, 0).play(history);
    }

    /**
     * The same histories with a static quorum of a majority of the first nodes: a side without it
     * refuses registrations (so concurrent registrations never start two workers, partition or not) and
     * stops its movable workers; after the heal the same invariants hold.
     */
    @Property(tries = 300, seed = CI_SEED)
    void aQuorumNeverLetsTwoSidesRegister(@ForAll @IntRange(min = 3, max = 7) int nodes, @ForAll long seed,
                                          @ForAll("histories") List<Action> history) {
        new Run(nodes, seed, nodes / 2 + 1).play(history);
    }

    /**
     * The same histories with 5 % of messages delivered once more, up to 600 ms later (twice the resend interval):
     * a request's copy arriving after it was answered, given up or undone must change nothing. Before, a
     * registerLocal's copy arriving after its abort held the name for the claim timeout.
     */
    @Property(tries = 300, seed = CI_SEED)
    void lateCopiesChangeNothing(@ForAll @IntRange(min = 3, max = 7) int nodes, @ForAll long seed,
                                 @ForAll("histories") List<Action> history) {
        final Run run = new Run(nodes, seed, 0);
        run.sim.lateCopies = 0.05;
        run.play(history);
    }

    @Provide
    Arbitrary<List<Action>> histories() {
        final Arbitrary<Integer> node = Arbitraries.integers().between(0, 6);
        final Arbitrary<Integer> name = Arbitraries.integers().between(0, NAMES.length - 1);
        final Arbitrary<Action> action = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, Combinators.combine(node, name, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as(Register::new)),
            net.jqwik.api.Tuple.of(2, name.map(RegisterEverywhere::new)),
            net.jqwik.api.Tuple.of(2, Combinators.combine(node, name).as(RegisterLocal::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(node, name).as(Unregister::new)),
            net.jqwik.api.Tuple.of(4, Combinators.combine(node, Arbitraries.integers().between(0, GROUPS.length - 1), name,
                Arbitraries.of(true, false)).as(Join::new)),
            net.jqwik.api.Tuple.of(2, name.map(CrashWorker::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(node, name).as(Send::new)),
            net.jqwik.api.Tuple.of(1, node.map(CrashNode::new)),
            net.jqwik.api.Tuple.of(1, Combinators.combine(node, node, Arbitraries.integers().between(0, 120)).as(CrashTwice::new)),
            net.jqwik.api.Tuple.of(2, node.map(StartNode::new)),
            net.jqwik.api.Tuple.of(1, node.map(TogglePermanent::new)),
            net.jqwik.api.Tuple.of(1, node.map(Drain::new)),
            net.jqwik.api.Tuple.of(2, Combinators.combine(node, name).as(Handoff::new)),
            net.jqwik.api.Tuple.of(1, node.map(Rebalance::new)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 126).map(Partition::new)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new Heal())),
            net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of(0, 0, 5, 20), Arbitraries.of(1, 3, 20)).as(Loss::new)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 1000).map(Wait::new)),
            net.jqwik.api.Tuple.of(3, Combinators.combine(node, name).as(Monitor::new)));
        return action.list().ofMinSize(1).ofMaxSize(40);
    }

    /** What the model knows of one name: certain absent, certain present (one of some refs), or unknown. */
    private static final class Expect {
        /** A candidate that stands for any live worker: a movable name restarted somewhere after a crash. */
        static final WorkerRef ANYWHERE = new WorkerRef(new NodeId("*", 0), -2);
        boolean known = true;
        boolean present;
        /** Refs it may have; id -1 means any worker on that node (restarted after a crash). */
        final Set<WorkerRef> candidates = new HashSet<>();
        /** Group membership the model is sure of. */
        final Map<String, Boolean> groups = new HashMap<>();
        /**
         * When it was last registered or unregistered: a change only just made may not have reached every
         * replica when a partition or a crash comes, and a side that restarts what it last saw may undo it.
         */
        long since;
        /** When its groups last changed: a change may die with its host before it reached the restarting owner. */
        long groupsSince = -1_000_000;

        void unknown() {
            known = false;
            candidates.clear();
            groups.clear();
        }

        void absent(long now) {
            since = now;
            known = true;
            present = false;
            candidates.clear();
            groups.clear();
        }

        void present(WorkerRef ref, long now) {
            since = now;
            known = true;
            present = true;
            candidates.clear();
            candidates.add(ref);
            groups.clear();
        }

        boolean matches(WorkerRef ref) {
            for (WorkerRef c : candidates) {
                if (c.equals(ref) || c.id() == -1 && c.node().equals(ref.node()) || c.equals(ANYWHERE)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A monitor made by {@code watcher} of {@code ref}: whether its worker ran then, and the partitions before it. */
    private record Watched(NodeId watcher, WorkerRef ref, Outcome outcome, boolean ranThen, int partitionsThen) {
    }

    private static final class Run {
        final Simulation sim;
        /** When a registration or unregistration of each name last began (simulated ms). */
        final Map<String, Long> changedAt = new HashMap<>();
        final int size;
        final Map<String, Expect> model = new TreeMap<>();
        /** Workers of registerLocal: never moved nor restarted elsewhere. */
        final Set<WorkerRef> localRefs = new HashSet<>();
        boolean partitioned;
        /** The last partition, heal or node start: replicas need a while to catch up after one. */
        long lastDisturbance;
        long lastTopologyChange = -1_000_000;
        final List<String> log = new ArrayList<>();
        /** Monitors made, checked after the settle; and partitions so far (a monitor may see its worker's node down in one). */
        final List<Watched> monitors = new ArrayList<>();
        int partitions;

        final int quorum;

        Run(int size, long seed, int quorum) {
            this.quorum = quorum;
            final RegistrySettings s = Simulation.SETTINGS;
            this.sim = new Simulation(seed, new RegistrySettings(s.virtualNodes(), quorum, s.retryDelayMs(), s.syncTimeoutMs(),
                s.announceIntervalMs(), s.claimTimeoutMs(), s.conflictRetryMs(), s.syncBatchRecords(), s.handoffsInFlight(), s.checkpointCopies()));
            this.size = size;
            for (String n : NAMES) {
                model.put(n, new Expect());
            }
            for (int i = 0; i < size; i++) {
                sim.start("n" + i);
            }
            sim.run(1_000);
        }

        Node live(int index) {
            final List<Node> live = sim.liveNodes();
            return live.isEmpty() ? null : live.get(index % live.size());
        }

        void play(List<Action> history) {
            for (Action a : history) {
                log.add(sim.now() + " " + a);
                step(a);
            }
            settle();
            check();
            checkMonitors();
        }

        private void step(Action a) {
            if (a instanceof Register || a instanceof RegisterEverywhere || a instanceof Unregister) {
                changedAt.put(NAMES[a instanceof Register r ? r.name() : a instanceof Unregister u ? u.name()
                    : ((RegisterEverywhere) a).name()], sim.now());
            }
            if (a instanceof Register r) {
                final Node n = live(r.node());
                if (n == null) {
                    return;
                }
                final String name = NAMES[r.name()];
                final String type = r.permanent() ? Simulation.PERMANENT : Simulation.TEMPORARY;
                final Outcome o = sim.call(n, id -> n.core.register(id, name, type, new byte[0], OP_TIMEOUT_MS, r.orExisting()));
                await(o);
                registered(name, o, r.orExisting());
            } else if (a instanceof RegisterEverywhere r) {
                final String name = NAMES[r.name()];
                final List<Outcome> outcomes = new ArrayList<>();
                for (Node n : sim.liveNodes()) {
                    outcomes.add(sim.call(n, id -> n.core.register(id, name, Simulation.TEMPORARY, new byte[0], OP_TIMEOUT_MS, false)));
                }
                outcomes.forEach(this::await);
                final Set<WorkerRef> started = new HashSet<>();
                boolean unsure = false;
                for (Outcome o : outcomes) {
                    if (o.ok()) {
                        started.add((WorkerRef) o.result);
                    } else if (!(o.error instanceof AlreadyRegisteredException)) {
                        unsure = true;
                    }
                }
                if (quorum > 0) {
                    assertThat(started).as("with a quorum, one registration of %s at most%s", name, trace()).hasSizeLessThanOrEqualTo(1);
                    for (int i = 0; i < outcomes.size(); i++) {
                        final Node n = sim.liveNodes().get(i);
                        if (!n.core.hasQuorum() && outcomes.get(i).done) {
                            assertThat(outcomes.get(i).error).as("%s without quorum%s", n.id, trace())
                                .isInstanceOf(org.swarmosgi.api.QuorumLostException.class);
                        }
                    }
                }
                if (!partitioned && !unsure && model.get(name).known && !model.get(name).present) {
                    assertThat(started).as("concurrent registrations of %s from every node%s", name, trace()).hasSize(1);
                }
                for (Outcome o : outcomes) {
                    registered(name, o, false);
                }
            } else if (a instanceof RegisterLocal r) {
                final Node n = live(r.node());
                if (n == null) {
                    return;
                }
                final String name = NAMES[r.name()];
                final Outcome o = sim.call(n, id -> n.core.registerLocal(id, name, OP_TIMEOUT_MS));
                await(o);
                if (o.ok()) {
                    localRefs.add((WorkerRef) o.result);
                }
                registered(name, o, false);
            } else if (a instanceof Unregister u) {
                final Node n = live(u.node());
                if (n == null) {
                    return;
                }
                final String name = NAMES[u.name()];
                final Expect e = model.get(name);
                final Outcome o = sim.call(n, id -> n.core.unregister(id, name, OP_TIMEOUT_MS));
                await(o);
                if (o.ok() && e.known && e.candidates.size() == 1 && !partitioned) {
                    e.absent(sim.now());
                } else if (!(o.done && o.error instanceof org.swarmosgi.api.NotRegisteredException && e.known && !e.present)) {
                    e.unknown();
                }
            } else if (a instanceof Join j) {
                final Node n = live(j.node());
                if (n == null) {
                    return;
                }
                final String name = NAMES[j.name()];
                final String group = GROUPS[j.group()];
                final Expect e = model.get(name);
                final Outcome o = sim.call(n, id -> {
                    if (j.leave()) {
                        n.core.leave(id, group, name, OP_TIMEOUT_MS);
                    } else {
                        n.core.join(id, group, name, OP_TIMEOUT_MS);
                    }
                });
                await(o);
                if (o.ok() && e.known && e.present && e.candidates.size() == 1 && !partitioned) {
                    e.groups.put(group, !j.leave());
                    e.groupsSince = sim.now();
                } else if (!(o.done && o.error instanceof org.swarmosgi.api.NotRegisteredException && e.known && !e.present)) {
                    e.groups.remove(group);
                    if (!o.done || o.error != null) {
                        e.unknown();
                    }
                }
            } else if (a instanceof Send send) {
                final Node n = live(send.node());
                if (n == null) {
                    return;
                }
                final String name = NAMES[send.name()];
                final Expect e = model.get(name);
                final Outcome o = sim.call(n, id -> n.core.lookup(id, name, OP_TIMEOUT_MS));
                await(o);
                log.add("   -> " + name + " " + (o.done ? (o.error == null ? "found " + o.result : o.error.toString()) : "pending"));
                final boolean exact = e.known && e.present && e.candidates.size() == 1
                    && e.candidates.iterator().next().id() >= 0;
                // A replica that holds the name's previous record until the host's change reaches it answers
                // with that record (eventual consistency); one that holds no record must ask the owner.
                final boolean stale = o.result instanceof Optional<?> found && found.isPresent()
                    && sim.now() - changedAt.getOrDefault(name, Long.MIN_VALUE / 2) <= 2L * sim.maxDelay + 10;
                if (exact && !partitioned && sim.loss == 0 && !stale) {
                    final WorkerRef expected = e.candidates.iterator().next();
                    assertThat(o.result).as("%s sent from %s reaches its worker%s", name, n.id, trace())
                        .isEqualTo(Optional.of(expected));
                    final Node host = sim.node(expected.node());
                    assertThat(host != null && host.workers.get(expected).alive)
                        .as("%s resolves to a live worker%s", name, trace()).isTrue();
                }
            } else if (a instanceof CrashWorker c) {
                final String name = NAMES[c.name()];
                for (Node n : sim.liveNodes()) {
                    for (Map.Entry<WorkerRef, Simulation.Worker> w : n.workers.entrySet()) {
                        if (w.getValue().alive && w.getValue().name.equals(name) && w.getValue().type != null) {
                            final boolean permanent = Simulation.PERMANENT.equals(w.getValue().type);
                            final WorkerRef ref = w.getKey();
                            sim.crashWorker(n, ref);
                            final Expect e = model.get(name);
                            if (e.known && e.present && e.candidates.size() == 1 && e.matches(ref) && !partitioned) {
                                if (permanent) {
                                    e.candidates.clear();
                                    e.candidates.add(new WorkerRef(ref.node(), -1));
                                } else {
                                    e.absent(sim.now());
                                }
                            } else {
                                e.unknown();
                            }
                            sim.run(50);
                            return;
                        }
                    }
                }
            } else if (a instanceof CrashNode c) {
                if (crash(c.node())) {
                    sim.run(200);
                }
            } else if (a instanceof Drain d) {
                final Node n = live(d.node());
                if (n == null || sim.liveNodes().size() <= 1) {
                    return;
                }
                final Outcome o = sim.call(n, id -> n.core.leave(id));
                await(o);
                log.add("   -> drain " + (o.done ? (o.error == null ? "done" : o.error.toString()) : "pending"));
                final boolean clean = o.ok() && !partitioned && sim.liveNodes().stream().allMatch(live -> live.offersPermanent);
                if (clean) {
                    // Every movable worker was handed off: none is on the node any more.
                    assertThat(n.core.ownRecords().stream().filter(Record::movable).toList()).as("drained %s%s", n.id, trace()).isEmpty();
                }
                crash(d.node(), clean);
                sim.run(200);
            } else if (a instanceof Handoff h) {
                final Node n = live(h.node());
                if (n == null) {
                    return;
                }
                final String name = NAMES[h.name()];
                final Expect e = model.get(name);
                final Outcome o = sim.call(n, id -> n.core.handoff(id, name, OP_TIMEOUT_MS));
                await(o);
                log.add("   -> " + name + " " + (o.done ? (o.error == null ? "at " + o.result : o.error.toString()) : "pending"));
                final boolean exact = e.known && e.present && e.candidates.size() == 1 && !partitioned && sim.loss == 0;
                if (exact && localRefs.containsAll(e.candidates) && o.done
                    && o.error != null && o.error.getClass() == org.swarmosgi.api.SwarmException.class) {
                    assertThat(o.error).as("handoff of %s, registered locally%s", name, trace())
                        .hasMessageEndingWith("it was registered with registerLocal and never moves");
                }
                if (o.ok()) {
                    final WorkerRef at = (WorkerRef) o.result;
                    assertThat(localRefs).as("%s: a local worker never moves%s", name, trace()).doesNotContain(at);
                }
                if (e.known && e.present && !localRefs.containsAll(e.candidates)) {
                    e.candidates.removeIf(ref -> !localRefs.contains(ref));
                    e.candidates.add(Expect.ANYWHERE); // moved, or about to: wherever its placement is
                }
            } else if (a instanceof Rebalance r) {
                final Node n = live(r.node());
                if (n == null) {
                    return;
                }
                final Outcome o = sim.call(n, id -> n.core.rebalanceNow(id));
                await(o);
                assertThat(o.ok()).as("a rebalance pass answers at once%s", trace()).isTrue();
                final org.swarmosgi.api.Rebalance pass = (org.swarmosgi.api.Rebalance) o.result;
                log.add("   -> " + pass.moving().size() + " moving, " + pass.queued() + " queued");
                for (org.swarmosgi.api.Rebalance.Move m : pass.moving()) {
                    assertThat(m.worker().node()).as("%s moves only its own workers%s", n.id, trace()).isEqualTo(n.id);
                    assertThat(m.to()).as("%s moves elsewhere%s", m.name(), trace()).isNotEqualTo(n.id);
                    assertThat(localRefs).as("a local worker never moves%s", trace()).doesNotContain(m.worker());
                }
                mayMove();
                sim.run(100);
            } else if (a instanceof CrashTwice c) {
                if (crash(c.first())) {
                    sim.run(c.gapMs());
                    crash(c.second());
                    sim.run(200);
                }
            } else if (a instanceof StartNode s) {
                if (quorum > 0 && s.node() % 7 >= size) {
                    return; // a static quorum is a majority of a fixed cluster size: the cluster does not grow
                }
                final String name = "n" + (s.node() % 7);
                final Node n = sim.node(name);
                if (n == null || !n.alive) {
                    sim.start(name);
                    lastDisturbance = sim.now();
                    mayMove();
                    sim.run(300);
                }
            } else if (a instanceof TogglePermanent t) {
                final Node n = live(t.node());
                if (n == null) {
                    return;
                }
                // Which names run there is the host's fact, not the model's: a name the model last saw elsewhere may
                // have moved there since (a rebalance after a node started) and stop with its type now.
                final Set<String> ranThere = new HashSet<>();
                n.workers.values().forEach(w -> {
                    if (w.alive && Simulation.PERMANENT.equals(w.type)) {
                        ranThere.add(w.name);
                    }
                });
                sim.togglePermanent(n.id.name());
                lastDisturbance = sim.now();
                for (Map.Entry<String, Expect> entry : model.entrySet()) {
                    final Expect e = entry.getValue();
                    if (e.known && e.present && (ranThere.contains(entry.getKey())
                        || e.candidates.stream().anyMatch(ref -> ref.node().equals(n.id) || ref.equals(Expect.ANYWHERE)))) {
                        e.unknown(); // a permanent worker there stopped with its type
                    }
                }
                mayMove();
                sim.run(300);
            } else if (a instanceof Partition p) {
                final Set<String> side = new HashSet<>();
                for (int i = 0; i < 7; i++) {
                    if ((p.mask() & (1 << i)) != 0) {
                        side.add("n" + i);
                    }
                }
                sim.partition(side);
                partitioned = true;
                partitions++;
                lastDisturbance = sim.now();
                // Each side restarts the other's movable workers; after the heal either instance may win.
                for (Expect e : model.values()) {
                    if (sim.now() - e.groupsSince < 1_000) {
                        e.groups.clear(); // the other side may restart it with the groups from before the last change
                    }
                    if (e.known && sim.now() - e.since < 1_000) {
                        e.unknown(); // the other side may not have seen its last change, and restarts what it saw
                    } else if (e.known && e.present && e.candidates.stream().noneMatch(localRefs::contains)) {
                        e.candidates.clear();
                        e.candidates.add(Expect.ANYWHERE);
                    }
                }
                if (quorum > 0) {
                    model.values().forEach(Expect::unknown); // the side without quorum stops its workers
                }
                sim.run(300);
            } else if (a instanceof Heal) {
                sim.heal();
                lastDisturbance = sim.now();
                mayMove();
                sim.run(300);
            } else if (a instanceof Loss l) {
                sim.loss = l.percent() / 100.0;
                sim.maxDelay = l.maxDelay();
            } else if (a instanceof Wait w) {
                sim.run(w.ms());
            } else if (a instanceof Monitor m) {
                final Node n = live(m.node());
                if (n == null) {
                    return;
                }
                final WorkerRef ref = n.core.whereis(NAMES[m.name()]).orElse(null);
                if (ref == null) {
                    return;
                }
                final Outcome o = sim.call(n, id -> n.core.monitor(id, ref));
                monitors.add(new Watched(n.id, ref, o, runs(ref), partitions));
                log.add("   -> monitors " + ref + (runs(ref) ? " (running)" : " (ended)"));
            }
        }

        /**
         * Crashes a live node: its movable names run again elsewhere (same groups), its registerLocal ones
         * are gone. False when there was no node to crash.
         */
        private boolean crash(int index) {
            return crash(index, false);
        }

        /** As {@link #crash(int)}; after a clean drain its movable names are elsewhere already. */
        private boolean crash(int index, boolean drained) {
            final Node n = live(index);
            if (n == null || sim.liveNodes().size() <= 1) {
                return false;
            }
            sim.crash(n.id.name());
            mayMove();
            if (quorum > 0) {
                model.values().forEach(Expect::unknown); // losing the quorum stops movable workers
            }
            // A restart needs a live node that offers the type (the model does not track which type a name has).
            final boolean calm = !partitioned && sim.liveNodes().stream().allMatch(live -> live.offersPermanent);
            for (Expect e : model.values()) {
                if (sim.now() - e.groupsSince < 1_000) {
                    e.groups.clear(); // if it ran there, its restart may have the groups from before the last change
                }
                final boolean settled = calm && sim.now() - Math.max(e.since, lastDisturbance) >= 1_000;
                if (e.known && !e.present && !settled) {
                    e.unknown(); // its removal may not have reached the new owner, which restarts what it saw
                } else if (e.known && e.present && e.candidates.contains(Expect.ANYWHERE) && !settled) {
                    e.unknown(); // wherever it runs now may be the node that died, its record not yet everywhere
                } else if (e.known && e.present && e.candidates.stream().anyMatch(ref -> ref.node().equals(n.id))) {
                    if (e.candidates.size() > 1) {
                        e.unknown(); // the one that died may have been the winner, the others gone already
                    } else if (localRefs.contains(e.candidates.iterator().next())) {
                        e.absent(sim.now());
                    } else if (!settled && !drained) {
                        e.unknown(); // its record may not have reached the name's owner before its host died
                    } else {
                        e.candidates.clear();
                        e.candidates.add(Expect.ANYWHERE); // restarted on its new placement, groups kept
                    }
                }
            }
            return true;
        }

        /**
         * The topology changed: movable names may move (each as its worker answers beginHandoff), for a
         * while after it: what the model learns of their refs meanwhile may be stale by the end.
         */
        private void mayMove() {
            lastTopologyChange = sim.now();
            for (Expect e : model.values()) {
                if (e.known && e.present && !localRefs.containsAll(e.candidates)) {
                    e.candidates.removeIf(ref -> !localRefs.contains(ref));
                    e.candidates.add(Expect.ANYWHERE);
                }
            }
        }

        private void registered(String name, Outcome o, boolean orExisting) {
            final Expect e = model.get(name);
            log.add("   -> " + name + " " + (o.done ? (o.error == null ? "ok " + o.result : o.error.toString()) : "pending"));

            if (o.ok()) {
                final WorkerRef ref = (WorkerRef) o.result;
                if (orExisting && sim.loss > 0 && !(e.known && e.present && e.matches(ref))) {
                    // Under loss the owner may answer with a worker whose removal has not reached it yet (a lost
                    // unregister answer, repaired later by anti-entropy): no proof of what holds the name.
                    e.unknown();
                } else if (e.known && e.present && !e.matches(ref)) {
                    // Another side of a partition registered it too: after the heal one of them wins.
                    e.candidates.add(ref);
                    e.groups.clear();
                } else if (e.known && !e.present) {
                    e.present(ref, sim.now());
                } else if (!e.known && !partitioned) {
                    e.present(ref, sim.now()); // unknown before, but with one side there is one holder
                }
            } else if (o.done && o.error instanceof AlreadyRegisteredException already) {
                // Under loss the owner's record may be of a worker that stopped a moment ago (its removal lost,
                // repaired later by anti-entropy): the answer is then no proof that the name is still held.
                if (!e.known && !partitioned && sim.loss == 0) {
                    e.known = true;
                    e.present = true;
                    e.candidates.add(already.existing());
                } else if (e.present && !e.matches(already.existing())) {
                    e.candidates.add(already.existing());
                    e.groups.clear();
                } else if (!e.present) {
                    e.unknown(); // a duplicate we did not know of (the other side of a partition)
                }
                // unknown and partitioned: stays unknown, the other side may hold another
            } else if (!o.done || !(o.error instanceof org.swarmosgi.api.UnknownWorkerTypeException)) {
                e.unknown();
            }
            if (e.known && e.present && sim.now() - lastTopologyChange < 3_000 && !localRefs.containsAll(e.candidates)) {
                e.candidates.add(Expect.ANYWHERE); // a rebalance may still be moving it, as after any topology change
            }
        }

        private void await(Outcome o) {
            final long deadline = sim.now() + OP_TIMEOUT_MS + 500;
            while (!o.done && sim.now() < deadline) {
                sim.run(5);
            }
        }

        private void settle() {
            if (partitioned || sim.now() - lastTopologyChange < 3_000) {
                mayMove();
            }
            sim.heal();
            sim.loss = 0;
            sim.maxDelay = 3;
            sim.lateCopies = 0; // those on their way arrive within the settle
            partitioned = false;
            sim.run(4_000);
        }

        private void check() {
            assertThat(sim.violations).as("handoffs%s", trace()).isEmpty();
            final List<Node> live = sim.liveNodes();
            final Map<String, WorkerRef> truth = new TreeMap<>();
            final Map<String, Set<WorkerRef>> groupTruth = new TreeMap<>();
            final Set<NodeId> liveIds = new HashSet<>();
            live.forEach(n -> liveIds.add(n.id));
            for (Node n : live) {
                final Set<WorkerRef> recorded = new HashSet<>();
                for (Record r : n.core.ownRecords()) {
                    recorded.add(r.ref);
                    final WorkerRef other = truth.put(r.name, r.ref);
                    assertThat(other).as("%s is held by two live workers: %s and %s%s", r.name, other, r.ref, trace()).isNull();
                    for (String g : r.groups) {
                        groupTruth.computeIfAbsent(g, k -> new HashSet<>()).add(r.ref);
                    }
                }
                assertThat(recorded).as("%s records exactly its live workers%s", n.id, trace()).isEqualTo(n.liveWorkers());
                // Every movable worker runs on its placement, unless it answered ignore to its last handoff (or its
                // node, without quorum, moves nothing).
                for (Record r : n.core.ownRecords()) {
                    if (r.movable() && !n.workers.get(r.ref).ignored && n.core.ready()) {
                        assertThat(n.core.placementOf(r.name, r.type)).as("%s runs on its placement %s%s", r, n.core.debugMoves(), trace()).isEqualTo(n.id);
                    }
                }
            }
            for (Node n : live) {
                assertThat(new TreeMap<>(n.core.registered())).as("replica of %s%s", n.id, trace()).isEqualTo(truth);
                for (String g : GROUPS) {
                    assertThat(new HashSet<>(n.core.members(g))).as("group %s at %s%s", g, n.id, trace())
                        .isEqualTo(groupTruth.getOrDefault(g, Set.of()));
                }
                // Synced with everyone it sees; without a quorum a node is never ready.
                assertThat(n.core.ready()).as("%s ready%s", n.id, trace()).isEqualTo(n.core.hasQuorum());
                for (WorkerRef ref : truth.values()) {
                    assertThat(liveIds).as("no record of a dead node%s", trace()).contains(ref.node());
                }
            }
            for (Map.Entry<String, Expect> m : model.entrySet()) {
                final Expect e = m.getValue();
                if (!e.known) {
                    continue;
                }
                final WorkerRef actual = truth.get(m.getKey());
                if (!e.present) {
                    assertThat(actual).as("%s should be unregistered%s", m.getKey(), trace()).isNull();
                } else {
                    assertThat(actual).as("%s should be registered (one of %s)%s", m.getKey(), e.candidates, trace()).isNotNull();
                    assertThat(e.matches(actual)).as("%s is %s, one of %s expected%s", m.getKey(), actual, e.candidates, trace())
                        .isTrue();
                    final Record r = live.stream().filter(n -> n.id.equals(actual.node())).findFirst().orElseThrow()
                        .core.winner(m.getKey());
                    for (Map.Entry<String, Boolean> g : e.groups.entrySet()) {
                        assertThat(r.inGroup(g.getKey())).as("%s in %s%s", m.getKey(), g.getKey(), trace()).isEqualTo(g.getValue());
                    }
                }
            }
        }

        /** Whether the worker {@code ref} runs now (its node is the live incarnation and the worker has not ended). */
        private boolean runs(WorkerRef ref) {
            final Node host = sim.node(ref.node());
            final Simulation.Worker w = host == null || !host.alive ? null : host.workers.get(ref);
            return w != null && w.alive;
        }

        /**
         * Every monitor of a live node completed once its worker ended, and only then, with a reason that fits: no
         * NO_SUCH_WORKER for a worker that ran when it was monitored; its node down only if it is, or a partition
         * came since (the node looked down for a while).
         */
        private void checkMonitors() {
            for (Watched w : monitors) {
                final Node watcher = sim.node(w.watcher());
                if (watcher == null || !watcher.alive) {
                    continue;
                }
                final boolean runs = runs(w.ref());
                final Outcome o = w.outcome();
                final String what = "monitor of " + w.ref() + " from " + w.watcher();
                if (!o.done) {
                    assertThat(runs).as("%s completes once the worker ended%s", what, trace()).isTrue();
                    continue;
                }
                assertThat(o.error).as("%s%s", what, trace()).isNull();
                final org.swarmosgi.api.StopReason reason = (org.swarmosgi.api.StopReason) o.result;
                if (reason == org.swarmosgi.api.StopReason.NO_SUCH_WORKER) {
                    assertThat(w.ranThen()).as("%s: NO_SUCH_WORKER for a worker that ran%s", what, trace()).isFalse();
                } else if (reason == org.swarmosgi.api.StopReason.NODE_DOWN) {
                    assertThat(!runs || partitions > w.partitionsThen())
                        .as("%s: NODE_DOWN while it runs, no partition since%s", what, trace()).isTrue();
                } else {
                    assertThat(runs).as("%s: ended %s while it runs%s", what, reason, trace()).isFalse();
                }
            }
        }

        private String trace() {
            return "\nhistory:\n  " + String.join("\n  ", log);
        }
    }

    /**
     * Found by the property (7 nodes, seed -2): a worker moved onto a node that had just started, then stopped
     * with its type there; one replica kept its record for good.
     */
    @Example
    void aWorkerStoppedWithItsTypeRightAfterItMovedLeavesNoRecordAnywhere() {
        new Run(7, -2, 0).play(List.of(
            new Register(0, 0, true, true),
            new Register(0, 0, true, true),
            new Register(0, 0, true, true),
            new Register(0, 2, true, true),
            new RegisterLocal(0, 3),
            new RegisterLocal(0, 1),
            new Register(0, 0, true, true),
            new Unregister(0, 2),
            new Register(0, 1, true, true),
            new Register(0, 0, true, true),
            new Register(2, 4, true, true),
            new Loss(0, 20),
            new Register(0, 0, true, true),
            new Register(0, 2, true, true),
            new Wait(637),
            new CrashTwice(0, 5, 1),
            new Register(6, 4, true, true),
            new Unregister(6, 0),
            new CrashTwice(6, 5, 36),
            new Join(6, 1, 4, false),
            new Unregister(5, 3),
            new Register(5, 4, true, false),
            new Drain(2),
            new Join(2, 1, 5, false),
            new Send(4, 4),
            new StartNode(2),
            new Unregister(5, 5),
            new Join(5, 1, 5, true),
            new Register(3, 3, true, true),
            new TogglePermanent(4)));
    }

    /**
     * Found by the property (6 nodes, seed 2): a partition right after a group join; the other side restarted
     * the worker with its groups from before the join and won after the heal. The model now allows that.
     */
    @Example
    void aGroupJoinJustBeforeAPartitionMayBeUndoneByTheOtherSidesRestart() {
        new Run(6, 2L, 0).play(List.of(
            new Register(0, 4, true, true),
            new Register(0, 0, true, true),
            new Register(0, 1, true, true),
            new Register(0, 0, true, true),
            new Drain(2),
            new Register(0, 0, true, true),
            new Register(0, 0, true, true),
            new Register(0, 5, true, true),
            new Register(1, 5, true, false),
            new StartNode(3),
            new Register(4, 1, true, false),
            new Join(3, 1, 5, false),
            new Register(1, 1, false, false),
            new Send(6, 0),
            new Join(0, 0, 2, true),
            new CrashTwice(0, 6, 1),
            new Register(6, 1, true, false),
            new Register(4, 2, true, false),
            new Drain(2),
            new Join(3, 1, 4, false),
            new Partition(2)));
    }

    /** A temporary worker crashed while it moved (found by the property: 4 nodes, seed 0). */
    @Example
    void aTemporaryWorkerCrashedWhileItMoves() {
        new Run(4, 0L, 0).play(List.of(
            new Register(0, 0, true, true),
            new Register(0, 0, true, true),
            new Register(0, 0, true, true),
            new Register(2, 4, false, false),
            new Register(3, 4, false, false),
            new Register(0, 1, true, true),
            new Join(0, 0, 3, true),
            new RegisterEverywhere(5),
            new Wait(129),
            new Loss(5, 20),
            new Wait(843),
            new Join(1, 1, 5, false),
            new TogglePermanent(2),
            new CrashWorker(2),
            new CrashWorker(3),
            new CrashWorker(4),
            new Drain(2),
            new StartNode(5),
            new Unregister(6, 0),
            new Join(6, 1, 4, true),
            new CrashTwice(1, 2, 119),
            new Send(6, 3),
            new Loss(5, 3),
            new Register(0, 3, false, false),
            new RegisterEverywhere(5),
            new Loss(20, 1),
            new Heal(),
            new CrashNode(0),
            new Drain(2),
            new Join(2, 0, 4, true),
            new Register(2, 0, false, true),
            new Unregister(6, 5),
            new Register(4, 1, false, false),
            new StartNode(2),
            new Join(1, 0, 5, false),
            new CrashWorker(1)));
    }

    /** A permanent worker that crashed while its move waited for the handoff answer restarts where it ran, then moves on to its placement (it stayed misplaced for good) (found by the property: 4 nodes, seed 6169). */
    @Example
    void aCrashedWorkerRestartedOffItsPlacementMovesThereWithAQuorum() {
        new Run(4, 6169L, 4 / 2 + 1).play(List.of(
            new Partition(4),
            new Register(2, 0, true, true),
            new Register(1, 1, true, true),
            new Unregister(0, 2),
            new Wait(266),
            new Register(2, 0, true, true),
            new Register(0, 4, true, true),
            new Register(0, 2, true, true),
            new Unregister(3, 0),
            new Join(0, 1, 3, false),
            new RegisterLocal(3, 3),
            new Partition(112),
            new RegisterLocal(0, 5),
            new CrashWorker(2),
            new Loss(0, 20),
            new CrashWorker(1)));
    }

    /** Under message loss an 'already registered' answer may name a worker that stopped with its type a moment before: the model no longer takes it for the truth (found by the property: 3 nodes, seed -2). */
    @Example
    void anAlreadyRegisteredAnswerUnderLossMayNameAWorkerThatStoppedMeanwhile() {
        new Run(3, -2L, 0).play(List.of(
            new Unregister(0, 0),
            new Register(0, 1, false, true),
            new Send(1, 0),
            new CrashTwice(2, 5, 17),
            new StartNode(1),
            new Loss(0, 20),
            new StartNode(6),
            new Register(2, 0, true, false),
            new CrashWorker(5),
            new Register(6, 5, false, true),
            new Send(4, 1),
            new Register(4, 1, true, false),
            new Register(5, 4, true, true),
            new Join(1, 0, 1, false),
            new Unregister(1, 5),
            new CrashWorker(4),
            new Register(1, 5, false, false),
            new Unregister(1, 3),
            new CrashWorker(1),
            new Send(3, 5),
            new Join(4, 1, 0, true),
            new RegisterEverywhere(5),
            new CrashWorker(1),
            new Register(2, 1, false, true),
            new Loss(20, 1),
            new Join(1, 0, 2, true),
            new Register(6, 2, false, false),
            new Drain(0),
            new Send(5, 2),
            new Join(6, 1, 2, true),
            new StartNode(4),
            new CrashWorker(0),
            new StartNode(4),
            new Loss(20, 1),
            new Unregister(4, 2),
            new TogglePermanent(1),
            new Register(2, 1, false, true),
            new RegisterLocal(1, 0)));
    }

    /** An answer shortly after a node started names where the worker was; a rebalance may move it there right after (found by the property: 7 nodes, seed 2). */
    @Example
    void aNameSeenJustAfterANodeStartedMayStillMove() {
        new Run(7, 2L, 0).play(List.of(
            new Register(0, 0, true, true),
            new CrashNode(0),
            new RegisterEverywhere(0),
            new Register(0, 0, true, true),
            new Register(4, 4, true, false),
            new RegisterLocal(0, 1),
            new CrashTwice(0, 1, 0),
            new Wait(1),
            new Join(0, 1, 2, true),
            new Register(6, 2, false, false),
            new Register(5, 1, true, true),
            new Send(4, 5),
            new Register(6, 0, true, true),
            new Join(5, 1, 2, true),
            new Drain(3),
            new Unregister(2, 2),
            new Register(2, 0, false, true),
            new StartNode(4),
            new RegisterEverywhere(0),
            new Drain(0),
            new Register(3, 4, false, false),
            new CrashTwice(0, 5, 2),
            new CrashWorker(5),
            new Register(6, 5, false, true),
            new StartNode(3),
            new RegisterEverywhere(0),
            new Register(2, 1, false, true),
            new Send(5, 0)));
    }

    /** Under loss a whereisOrRegister may be answered with a worker whose unregistration has not reached the owner yet: the model no longer takes it for proof (found by the property: 6 nodes, seed 28602). */
    @Example
    void anOrExistingAnswerUnderLossMayNameAWorkerBeingUnregistered() {
        new Run(6, 28602L, 0).play(List.of(
            new RegisterEverywhere(5),
            new Register(0, 2, true, true),
            new RegisterEverywhere(1),
            new Unregister(3, 5),
            new Loss(20, 20),
            new Register(0, 1, true, true),
            new Unregister(0, 2),
            new CrashWorker(2),
            new Wait(19),
            new Register(0, 1, false, true),
            new Register(0, 2, true, true),
            new Join(0, 0, 1, false),
            new Send(6, 1),
            new Register(1, 1, true, true),
            new Join(0, 1, 4, false),
            new TogglePermanent(0),
            new Join(0, 0, 3, false),
            new Join(5, 0, 3, false),
            new RegisterLocal(5, 3),
            new CrashWorker(2),
            new RegisterLocal(1, 3),
            new Register(2, 5, true, false),
            new Register(2, 2, false, false),
            new Wait(7),
            new RegisterEverywhere(2),
            new Unregister(2, 3),
            new Register(4, 2, false, false),
            new Drain(0),
            new Register(3, 3, false, true)));
    }

    /** Sanity of the harness itself: one node registers, another finds it, then it is gone. */
    /**
     * A temporary name restarted after a crash (generation 1) ended on its node; registered anew on a node that
     * then crashed (its drain never finished): the restart went to that node, which answered ENDED, and the name
     * was given up (found by the property: 6 nodes, seed 0; FailoverTest has it deterministically).
     */
    @Example
    void aNameRegisteredAgainIsRestartedWhereAnEarlierInstanceEnded() {
        new Run(6, 0, 0).play(List.of(
            new Register(0, 2, true, true), new CrashTwice(0, 0, 0), new Register(6, 5, false, false),
            new Join(1, 0, 4, true), new CrashTwice(1, 5, 119), new CrashWorker(5), new Join(2, 1, 2, true),
            new Unregister(1, 0), new StartNode(6), new Unregister(0, 0), new Join(0, 0, 4, false), new Monitor(5, 0),
            new Register(6, 5, false, false), new Register(1, 1, false, false), new Register(4, 2, true, true),
            new Drain(5)));
    }

    /**
     * A move's start whose answer was lost (loss 20 %), asked again by the old host after the new instance had been
     * unregistered at the new host: it started the name a second time, registered after its unregistration OK'd
     * (found by the property: 5 nodes, seed 267914296). The new host now remembers the instance it unregistered, as
     * one that ended, and answers the resend ENDED: the old host drops the move and its own record.
     */
    @Example
    void aMoveStartAskedAgainAfterItsInstanceWasUnregisteredStartsNothing() {
        new Run(5, 267914296, 0).play(List.of(
            new Unregister(0, 0), new RegisterEverywhere(1), new Drain(2), new Wait(24),
            new RegisterEverywhere(5), new Wait(81),
            new Register(1, 4, false, true), new Unregister(0, 0),
            new Loss(20, 20), new Heal(), new StartNode(2),
            new Join(2, 0, 4, true), new CrashTwice(3, 3, 109),
            new CrashTwice(0, 4, 32),
            new Register(6, 3, true, true),
            new Register(0, 4, false, true), new RegisterLocal(5, 2),
            new RegisterLocal(5, 0), new StartNode(5),
            new Register(0, 4, false, false), new Wait(499),
            new Register(0, 5, true, false),
            new Register(0, 5, false, false), new Unregister(2, 5)));
    }

    @Property(tries = 20, seed = CI_SEED)
    void aSimpleHistory(@ForAll long seed) {
        final Run run = new Run(3, seed, 0);
        final Node a = run.live(0);
        final Node b = run.live(1);
        final Outcome reg = run.sim.call(a, id -> a.core.register(id, "x", Simulation.TEMPORARY, new byte[0], OP_TIMEOUT_MS, false));
        run.await(reg);
        assertThat(reg.ok()).as("%s", reg.error).isTrue();
        assertThat(a.core.whereis("x")).contains((WorkerRef) reg.result);
        final Outcome look = run.sim.call(b, id -> b.core.lookup(id, "x", OP_TIMEOUT_MS));
        run.await(look);
        assertThat(look.result).isEqualTo(Optional.of(reg.result));
        final Outcome un = run.sim.call(b, id -> b.core.unregister(id, "x", OP_TIMEOUT_MS));
        run.await(un);
        assertThat(un.ok()).isTrue();
        assertThat(b.core.whereis("x")).isEmpty();
        run.sim.run(1_000);
        for (Node n : run.sim.liveNodes()) {
            assertThat(n.core.registered()).isEmpty();
            assertThat(new TreeSet<>(n.liveWorkers())).isEmpty();
        }
    }
}
