package org.swarmosgi.registry.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.RestartPolicy;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerTypeInfo;

/**
 * A seeded, deterministic world for {@link RegistryCore}s: a virtual clock, a network that loses,
 * delays, reorders and partitions messages, membership views that follow the truth after a delay,
 * and worker hosts whose workers start, stop and crash. The same seed gives the same history.
 */
final class Simulation {
    /** A worker type that is restarted after a crash and checkpointed every 100 ms, and one that is neither. */
    static final String PERMANENT = "perm";
    static final String TEMPORARY = "temp";

    static final RegistrySettings SETTINGS = new RegistrySettings(64, 0, 20, 300, 200, 2_000, 200, 500, 4, 2);

    private static final Map<String, WorkerTypeInfo> TYPES = Map.of(
        PERMANENT, new WorkerTypeInfo(PERMANENT, Duration.ofSeconds(1), Duration.ofMillis(100),
            new RestartPolicy(RestartPolicy.Mode.PERMANENT, 1000, Duration.ofSeconds(1)), Set.of()),
        TEMPORARY, new WorkerTypeInfo(TEMPORARY, Duration.ofSeconds(1), Duration.ZERO,
            new RestartPolicy(RestartPolicy.Mode.TEMPORARY, 0, Duration.ofSeconds(1)), Set.of()));

    final Random random;
    private final RegistrySettings settings;
    private long now;
    private long eventSeq;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<String, Node> current = new TreeMap<>();
    private final List<Node> all = new ArrayList<>();
    private final Map<Long, Outcome> outcomes = new HashMap<>();
    private long requestIds;
    private long incarnations = 1L << 20;
    /** Side of each node name when partitioned; empty = one side. */
    private final Map<String, Integer> sides = new HashMap<>();
    double loss;
    int maxDelay = 3;
    /**
     * Chance that a message the protocol sends again ({@link #askedAgain}) is delivered once more, 1 to
     * {@link #lateCopyMs} ms later: a copy delayed past its resend, arriving after what it asked was answered,
     * given up or undone. (The transport itself never duplicates.)
     */
    double lateCopies;
    int lateCopyMs = 600;
    /** How long a worker takes to start; negative: 0-2 ms at random. */
    long startDelayMs = -1;
    long messages;
    /** How the simulated workers answer beginHandoff, by weight: restart, resume, ignore. */
    int[] handoffWeights = {1, 2, 1};
    /** Names whose registerLocal hosting fails (the claim granted to it is given up). */
    final Set<String> hostingFails = new HashSet<>();
    /** Roles of the nodes started from now on, by name (none when missing). */
    final Map<String, Set<String>> roles = new HashMap<>();
    /** Names whose worker never answers beginHandoff (a blocked worker). */
    final Set<String> stuck = new HashSet<>();
    /** Handoffs answered, by decision; starts that got the wrong state. */
    final Map<HandoffDecision.Kind, Integer> handoffs = new java.util.EnumMap<>(HandoffDecision.Kind.class);
    final List<String> violations = new ArrayList<>();
    /** Fixed delays, by observer name, after which its failure detector catches up with the truth (else 5-154 ms). */
    final Map<String, Long> viewDelays = new HashMap<>();
    /** Delay added to every message of a kind (ms), on top of the random one. */
    java.util.function.ToLongFunction<Msg> extraDelay = m -> 0;
    /** Messages lost on purpose (a test's choice), on top of {@link #loss}. */
    java.util.function.Predicate<Msg> drop = m -> false;
    /** Every state handed off by a resume, by name. */
    private final Map<String, Set<String>> resumed = new HashMap<>();
    private long states;
    /** Every state a checkpoint took, by name; how many starts were from one. */
    private final Map<String, Set<String>> checkpointed = new HashMap<>();
    int fromCheckpoint;

    private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    /** What an API call came to: still running, a result, or an error. */
    static final class Outcome {
        boolean done;
        Object result;
        SwarmException error;

        boolean ok() {
            return done && error == null;
        }
    }

    /** One run of a node: its registry state machine, its host, what it believes of membership. */
    final class Node implements Effects {
        final NodeId id;
        final RegistryCore core;
        final Map<WorkerRef, Worker> workers = new LinkedHashMap<>();
        final Set<NodeId> view = new HashSet<>();
        boolean alive = true;
        boolean offersPermanent = true;
        private long workerIds;

        Node(NodeId id) {
            this.id = id;
            this.core = new RegistryCore(id, roles.getOrDefault(id.name(), Set.of()), settings, this, () -> now);
        }

        Set<WorkerRef> liveWorkers() {
            final Set<WorkerRef> refs = new HashSet<>();
            workers.forEach((ref, w) -> {
                if (w.alive) {
                    refs.add(ref);
                }
            });
            return refs;
        }

        @Override
        public void send(NodeId to, Msg message) {
            messages++;
            if (random.nextDouble() < loss || drop.test(message)) {
                return;
            }
            final Node target = node(to);
            if (target == null || !connected(id.name(), to.name())) {
                return;
            }
            // Through the wire format, as in a node: the codec is exercised by every history.
            final Msg wire = MsgCodec.decode(java.nio.ByteBuffer.wrap(MsgCodec.encode(message)));
            final Runnable deliver = () -> {
                if (target.alive && connected(id.name(), to.name())) {
                    target.core.onMessage(id, wire);
                    target.core.flush();
                }
            };
            at(1 + random.nextInt(maxDelay) + extraDelay.applyAsLong(message), deliver);
            if (lateCopies > 0 && askedAgain(message) && random.nextDouble() < lateCopies) {
                at(1 + random.nextInt(lateCopyMs), deliver);
            }
        }

        @Override
        public void startWorker(long startId, StartOrder order) {
            at(startDelayMs >= 0 ? startDelayMs : random.nextInt(3), () -> {
                if (!alive) {
                    return;
                }
                final WorkerRef ref = new WorkerRef(id, ++workerIds);
                final Worker w = new Worker(order.name(), order.workerType(), order.version());
                if (order.reason() == StartReason.HANDED_OFF && order.state() != null && !resumed.getOrDefault(order.name(),
                    Set.of()).contains(new String(order.state(), StandardCharsets.UTF_8))) {
                    violations.add(order.name() + " resumed on " + id + " with a state no instance of it handed off");
                }
                if (order.reason() == StartReason.FROM_CHECKPOINT) {
                    fromCheckpoint++;
                    // A state it started with (moved with, or restarted from) counts as a checkpoint of it.
                    final String state = new String(order.state(), StandardCharsets.UTF_8);
                    if (!checkpointed.getOrDefault(order.name(), Set.of()).contains(state)
                        && !resumed.getOrDefault(order.name(), Set.of()).contains(state)) {
                        violations.add(order.name() + " restarted on " + id + " from a checkpoint it never took or handed off");
                    }
                }
                w.state = order.state() != null ? order.state()
                    : ("s" + ++states).getBytes(StandardCharsets.UTF_8);
                workers.put(ref, w);
                core.onWorkerStarted(startId, ref);
                core.flush();
            });
        }

        @Override
        public void hostLocal(long reqId, String name, long version) {
            at(random.nextInt(2), () -> {
                if (!alive) {
                    return;
                }
                if (hostingFails.contains(name)) {
                    core.onLocalHostFailed(reqId, name, new SwarmException("hosting '" + name + "' failed"));
                    core.flush();
                    return;
                }
                final WorkerRef ref = new WorkerRef(id, ++workerIds);
                final Worker w = new Worker(name, null, version);
                w.state = ("s" + ++states).getBytes(StandardCharsets.UTF_8);
                workers.put(ref, w);
                core.onLocalHosted(reqId, name, ref);
                core.flush();
            });
        }

        @Override
        public void stopWorker(WorkerRef ref, StopReason reason, long version) {
            final Worker w = workers.get(ref);
            if (w != null) {
                w.alive = false;
            }
        }

        @Override
        public void beginHandoff(long id, WorkerRef ref, long version) {
            at(random.nextInt(4), () -> {
                if (!alive) {
                    return;
                }
                final Worker w = workers.get(ref);
                if (w != null && stuck.contains(w.name)) {
                    return;
                }
                if (w == null || !w.alive) {
                    core.onHandoff(id, HandoffDecision.Kind.RESTART, null); // as the host answers for a worker gone
                    core.flush();
                    return;
                }
                final int pick = random.nextInt(handoffWeights[0] + handoffWeights[1] + handoffWeights[2]);
                final HandoffDecision.Kind kind = pick < handoffWeights[0] ? HandoffDecision.Kind.RESTART
                    : pick < handoffWeights[0] + handoffWeights[1] ? HandoffDecision.Kind.RESUME : HandoffDecision.Kind.IGNORE;
                handoffs.merge(kind, 1, Integer::sum);
                w.ignored = kind == HandoffDecision.Kind.IGNORE;
                if (kind != HandoffDecision.Kind.IGNORE) {
                    w.alive = false; // stopped with MOVED by its host
                }
                if (kind == HandoffDecision.Kind.RESUME) {
                    resumed.computeIfAbsent(w.name, k -> new HashSet<>()).add(new String(w.state, StandardCharsets.UTF_8));
                }
                core.onHandoff(id, kind, kind == HandoffDecision.Kind.RESUME ? w.state : null);
                core.flush();
            });
        }

        @Override
        public void handoffEnded(WorkerRef from, WorkerRef to) {
        }

        @Override
        public void takeCheckpoint(long id, WorkerRef ref) {
            at(random.nextInt(2), () -> {
                if (!alive) {
                    return;
                }
                final Worker w = workers.get(ref);
                if (w != null) {
                    checkpointed.computeIfAbsent(w.name, k -> new HashSet<>()).add(new String(w.state, StandardCharsets.UTF_8));
                }
                core.onCheckpoint(id, w == null ? null : w.state);
                core.flush();
            });
        }

        @Override
        public void resolveConflict(WorkerRef winner, byte[] loserState, long version) {
            final Worker w = workers.get(winner);
            if (w != null) {
                w.conflictsResolved++;
            }
        }

        @Override
        public void completed(long reqId, Object result) {
            final Outcome o = outcomes.get(reqId);
            if (o != null && !o.done) {
                o.done = true;
                o.result = result;
            }
        }

        @Override
        public void failed(long reqId, SwarmException error) {
            final Outcome o = outcomes.get(reqId);
            if (o != null && !o.done) {
                o.done = true;
                o.error = error;
            }
        }

        @Override
        public void registered(String name, WorkerRef ref) {
        }

        @Override
        public void unregistered(String name, WorkerRef ref, StopReason reason) {
        }
    }

    /** A simulated worker: alive until stopped or crashed. */
    static final class Worker {
        final String name;
        final String type;
        final long version;
        boolean alive = true;
        int conflictsResolved;
        /** Its state: fresh at a start, handed on by a resume. */
        byte[] state;
        /** It answered ignore to its last beginHandoff: it stays off its placement until the next change. */
        boolean ignored;

        Worker(String name, String type, long version) {
            this.name = name;
            this.type = type;
            this.version = version;
        }
    }

    /**
     * The messages a node sends again until answered (requests to an owner, its forwards, aborts, watches, syncs, a
     * move's start, a conflict's loser's order), and the answers each copy gets: those a copy of can come late.
     * Not the starts of an owner's claims (one per claim), operations, announcements or checkpoints.
     */
    static boolean askedAgain(Msg m) {
        return m instanceof Msg.RegisterReq || m instanceof Msg.ClaimReq || m instanceof Msg.ClaimAbort
            || m instanceof Msg.LookupReq || m instanceof Msg.NameReq || m instanceof Msg.NameFwd
            || m instanceof Msg.MonitorReq || m instanceof Msg.SyncRequest || m instanceof Msg.ConflictLose
            || m instanceof Msg.StartReq s && s.reason() == StartReason.HANDED_OFF
            || m instanceof Msg.Reply || m instanceof Msg.NameDone || m instanceof Msg.StartReply
            || m instanceof Msg.MonitorFired || m instanceof Msg.SyncReply;
    }

    Simulation(long seed, RegistrySettings settings) {
        this.random = new Random(seed);
        this.settings = settings;
    }

    long now() {
        return now;
    }

    // ---------------------------------------------------------------- nodes and membership

    /** Starts a node (a new incarnation when the name ran before). */
    Node start(String name) {
        final Node old = current.get(name);
        if (old != null && old.alive) {
            throw new IllegalStateException(name + " runs already");
        }
        final Node n = new Node(new NodeId(name, ++incarnations));
        current.put(name, n);
        all.add(n);
        n.core.localTypes(TYPES);
        n.core.flush();
        scheduleViews();
        return n;
    }

    /** The node stops (or starts again) offering the permanent type; its workers of that type stop. */
    void togglePermanent(String name) {
        final Node n = current.get(name);
        if (n == null || !n.alive) {
            return;
        }
        n.offersPermanent = !n.offersPermanent;
        n.core.localTypes(n.offersPermanent ? TYPES : Map.of(TEMPORARY, TYPES.get(TEMPORARY)));
        if (!n.offersPermanent) {
            for (Map.Entry<WorkerRef, Worker> e : List.copyOf(n.workers.entrySet())) {
                if (e.getValue().alive && PERMANENT.equals(e.getValue().type)) {
                    e.getValue().alive = false;
                    n.core.onWorkerEnded(e.getValue().name, e.getKey(), StopReason.TYPE_REMOVED);
                }
            }
        }
        n.core.flush();
    }

    void crash(String name) {
        final Node n = current.get(name);
        if (n != null && n.alive) {
            n.alive = false;
            n.workers.values().forEach(w -> w.alive = false);
            scheduleViews();
        }
    }

    /** Splits the cluster: nodes named in {@code side} on one side, the rest on the other. */
    void partition(Set<String> side) {
        sides.clear();
        for (String name : current.keySet()) {
            sides.put(name, side.contains(name) ? 1 : 0);
        }
        scheduleViews();
    }

    void heal() {
        sides.clear();
        scheduleViews();
    }

    boolean connected(String a, String b) {
        return sides.getOrDefault(a, 0).equals(sides.getOrDefault(b, 0));
    }

    /** Each live node's failure detector catches up with the truth after its own delay. */
    private void scheduleViews() {
        for (Node observer : current.values()) {
            if (observer.alive) {
                final Long fixed = viewDelays.get(observer.id.name());
                at(fixed != null ? fixed : 5 + random.nextInt(150), () -> reconcile(observer));
            }
        }
    }

    private void reconcile(Node observer) {
        if (!observer.alive) {
            return;
        }
        final Set<NodeId> truth = new HashSet<>();
        for (Node n : current.values()) {
            if (n.alive && n != observer && connected(observer.id.name(), n.id.name())) {
                truth.add(n.id);
            }
        }
        for (NodeId gone : new ArrayList<>(observer.view)) {
            if (!truth.contains(gone)) {
                observer.view.remove(gone);
                observer.core.nodeDown(gone);
            }
        }
        for (NodeId up : truth) {
            if (observer.view.add(up)) {
                observer.core.nodeUp(up);
            }
        }
        observer.core.flush();
    }

    Node node(NodeId id) {
        final Node n = current.get(id.name());
        return n != null && n.id.equals(id) ? n : null;
    }

    Node node(String name) {
        return current.get(name);
    }

    List<Node> liveNodes() {
        final List<Node> live = new ArrayList<>();
        for (Node n : current.values()) {
            if (n.alive) {
                live.add(n);
            }
        }
        return live;
    }

    // ---------------------------------------------------------------- API calls

    Outcome call(Node n, java.util.function.LongConsumer invocation) {
        final long id = ++requestIds;
        final Outcome o = new Outcome();
        outcomes.put(id, o);
        invocation.accept(id);
        n.core.flush();
        return o;
    }

    /** Kills one live worker as if it threw: its host reports it crashed. */
    boolean crashWorker(Node n, WorkerRef ref) {
        final Worker w = n.workers.get(ref);
        if (w == null || !w.alive || !n.alive) {
            return false;
        }
        w.alive = false;
        n.core.onWorkerEnded(w.name, ref, StopReason.CRASHED);
        n.core.flush();
        return true;
    }

    // ---------------------------------------------------------------- time

    private void at(long delay, Runnable action) {
        events.add(new Event(now + delay, ++eventSeq, action));
    }

    /** Runs the world for {@code ms} of virtual time, ticking every live node every 10 ms. */
    void run(long ms) {
        final long end = now + ms;
        long nextTick = (now / 10 + 1) * 10;
        while (true) {
            final Event e = events.peek();
            final long next = Math.min(e == null ? Long.MAX_VALUE : e.at, nextTick);
            if (next > end) {
                break;
            }
            now = next;
            if (e != null && e.at == next) {
                events.poll();
                e.action.run();
            } else {
                nextTick += 10;
                for (Node n : liveNodes()) {
                    n.core.tick();
                    n.core.flush();
                }
            }
        }
        now = end;
    }
}
