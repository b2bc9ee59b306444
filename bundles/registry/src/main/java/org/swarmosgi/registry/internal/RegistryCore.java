package org.swarmosgi.registry.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.agrona.collections.Long2ObjectHashMap;

import org.swarmosgi.api.AlreadyRegisteredException;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.api.NodeUnavailableException;
import org.swarmosgi.api.NotRegisteredException;
import org.swarmosgi.api.QuorumLostException;
import org.swarmosgi.api.Rebalance;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.UnknownWorkerTypeException;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerTypeInfo;
import org.swarmosgi.registry.internal.Msg.NameAction;
import org.swarmosgi.registry.internal.Msg.Status;
import org.swarmosgi.ring.HashRing;

/**
 * The registry of one node as a deterministic, single-threaded state machine. Inputs: membership
 * ({@link #nodeUp}, {@link #nodeDown}), messages from peers ({@link #onMessage}), the worker host's
 * answers and events, API calls, and {@link #tick} with an injected clock. Outputs go to
 * {@link Effects}. The same code runs in a node and in the seeded simulation of the model tests.
 *
 * <p><b>Who writes what.</b> A record is written only by its host, the node running the worker, in
 * the host's own sequence; peers apply each host's operations in order and repair gaps and losses by
 * anti-entropy (bucket digests), so a host's partition on every node converges to the host's own,
 * deletions included, without tombstones. A node that dies takes its partition with it everywhere.
 *
 * <p><b>Who decides what.</b> Claims on a name are serialized by the name's owner on the ring of all
 * live nodes (whatever the worker type), which picks the host on the ring of nodes that offer the
 * type. After a partition heals, the owner of a name held twice keeps the instance on itself (or, if
 * neither runs there, the one on the smaller node id: every node picks the same one for lookups)
 * and tells the other's host to hand its state to the winner and stop.
 *
 * <p>Lookups ({@link #whereis}, {@link #registered}, {@link #members}) may be called from any
 * thread: they read a lock-free index ({@link NameIndex}) and concurrent maps this thread writes.
 * Everything else runs on one thread.
 */
final class RegistryCore {
    /** Operations kept per host while a sync with it runs. */
    static final int MAX_HELD_OPS = 100_000;
    /** Most operations in one Ops message (records of ordinary names: well under a 64 KiB frame). */
    static final int OPS_PER_MESSAGE = 256;
    /** Slots of a replaced name table looked at per tick (~0.1 ms), so a growth ends though registrations stop. */
    static final int NAME_INDEX_MOVE_PER_TICK = 16_384;

    private final NodeId self;
    private final RegistrySettings settings;
    private final Effects fx;
    private final LongSupplier clock;

    private final Map<NodeId, Partition> partitions = new HashMap<>();
    private final Map<String, NodeId> liveByName = new TreeMap<>();
    private final Partition own;
    private HashRing ring;
    private final Map<String, HashRing> typeRings = new HashMap<>();

    // The local replica's view, readable from any thread.
    private final NameIndex winners = new NameIndex();
    private final ConcurrentHashMap<String, Set<String>> groups = new ConcurrentHashMap<>();
    private final Set<String> conflicted = new HashSet<>();
    /** Each node's roles and offered types, once heard from (its Types operation, or its sync answer's last part). */
    private final ConcurrentHashMap<NodeId, NodeProfile> profiles = new ConcurrentHashMap<>();
    private volatile boolean readyFlag;
    private volatile boolean quorumFlag;

    // Our own records by their worker's id (monitors, host events): every own ref is on this node, so its id
    // alone keys it (see ownRecord); a primitive map spends no node or boxed key per hosted worker.
    private final Long2ObjectHashMap<Record> ownById = new Long2ObjectHashMap<>();
    private final List<Op> outOps = new ArrayList<>();
    private Map<String, WorkerTypeInfo> localTypes = Map.of();

    // Requests this node made, by correlation id (= API request id); when each is asked again (after a sync
    // timeout, or a retry delay after a busy owner's RETRY: an entry per time asked, stale once asked otherwise
    // since) and times out, so that a tick looks only at what is due in it, not at every request.
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();
    private final DueQueue<Pending> resends = new DueQueue<>();
    private final DueQueue<Pending> retries = new DueQueue<>();
    private final java.util.PriorityQueue<Pending> deadlines = new java.util.PriorityQueue<>(
        java.util.Comparator.comparingLong((Pending q) -> q.deadline).thenComparingLong(q -> q.id));
    // Names this node serializes as their owner, and the same claims by deadline (each waits the claim timeout).
    private final Map<String, Claim> claims = new HashMap<>();
    private final DueQueue<Claim> claimDeadlines = new DueQueue<>();
    private final Long2ObjectHashMap<Start> starts = new Long2ObjectHashMap<>();
    // How many starts of each name are in flight (the index of starts by name).
    private final Map<String, Integer> startingNames = new HashMap<>();
    private final Map<Long, Conflict> checkpoints = new HashMap<>();
    // Checkpoints of our workers being taken for their successor (by take id), when each type's next round is due,
    // and the latest checkpoint of each name this node would host next if its host died.
    private final Long2ObjectHashMap<Record> replicating = new Long2ObjectHashMap<>();
    /** Workers whose checkpoint is being taken; those that asked for one meanwhile: taken once more after it. */
    private final Set<WorkerRef> beingTaken = new HashSet<>();
    private final Set<WorkerRef> checkpointAgain = new HashSet<>();
    private final Map<String, Long> nextCheckpointRound = new HashMap<>();
    private final Map<String, Replica> replicas = new HashMap<>();
    /** The names of a worker's first successors, filled by {@link #successors} (checkpoint.copies long). */
    private final String[] successorNames;
    // Conflicted names this node resolves as their owner: when each is next due (a ConflictLose sent again every
    // conflict retry, in case it was lost), those new since the last tick, and those due again in time order; all
    // of them again after a topology change (owners change). A tick looks at these, not at every conflicted name.
    private final Map<String, Long> conflictAttempts = new HashMap<>();
    private final ArrayDeque<String> conflictsNew = new ArrayDeque<>();
    private final DueQueue<String> conflictsAgain = new DueQueue<>();
    private boolean conflictsAll;
    private final Map<String, ArrayDeque<Long>> restarts = new HashMap<>();
    /**
     * Names whose instance started here ended for good (crashed or stopped, not restarted), with its generation
     * and when: a start asked again of that generation (its first answer was lost) is answered ENDED instead of
     * starting the worker a second time. Kept {@link #ENDED_KEPT_MS}: a sender asks again every sync timeout.
     */
    private final Map<String, long[]> ended = new HashMap<>();
    /** When each entry of {@link #ended} goes (an entry per end: stale once its name ended again since). */
    private final DueQueue<String> endedExpiry = new DueQueue<>();
    static final long ENDED_KEPT_MS = 30_000;
    // Movable records of nodes that died, until the name runs again somewhere (every node keeps them, so
    // a new owner restarts what a dead owner had not yet).
    private final Map<String, Orphan> orphans = new HashMap<>();
    // What the next failover pass looks at, so that a tick costs what is due in it rather than a walk of every
    // orphan: all of them after a change that may let any restart (topology, types, a view become whole);
    // else those whose claim just ended, and those whose wait as a non-owner ends (oldest first: each waits
    // the same claim timeout), each orphan once in that queue, stale entries skipped.
    private boolean failoverAll;
    private final List<String> claimsEnded = new ArrayList<>();
    private final ArrayDeque<Orphan> orphansByAge = new ArrayDeque<>();
    // Moves of our own workers whose placement changed: under way (by name and by id), and waiting their turn.
    private final Map<String, Move> moves = new HashMap<>();
    private final Map<Long, Move> movesById = new HashMap<>();
    private final ArrayDeque<String> moveQueue = new ArrayDeque<>();
    private boolean rebalanceDue;
    // Names whose worker answered ignore to a handoff request, by that request: its next resend is told so
    // (instead of asking the worker again). Cleared by the answer and by any topology or type change.
    private final Map<String, Requester> ignoredHandoffs = new HashMap<>();
    // A graceful leave: this node offers no type any more, so every worker moves; the request completes once done.
    private long leaveReq;
    private boolean left;
    // Monitors: API monitors of workers here; peers' watches of workers here (one per peer and worker: a peer's
    // resend replaces its entry, never adds one, so they are bounded by workers times nodes); ours of remote
    // workers, one watch per worker whatever the number of API monitors, asked again of its host every sync
    // timeout until it answers (a lost MonitorReq or MonitorFired is otherwise never repaired), oldest first.
    private final Map<WorkerRef, List<Long>> localMonitors = new HashMap<>();
    private final Map<WorkerRef, List<RemoteWatch>> watchedHere = new HashMap<>();
    private final Map<WorkerRef, Watch> watches = new HashMap<>();
    private final Map<Long, Watch> watchesById = new HashMap<>();
    private final DueQueue<Watch> watchesDue = new DueQueue<>();
    /**
     * How our latest workers ended, so that a watch asked (again) after its worker ended is told why, not
     * NO_SUCH_WORKER: its first MonitorFired, or its first MonitorReq, may have been lost. The last
     * {@link #GRANTS_KEPT} only; keyed by our own workers, so no peer can grow it.
     */
    private final Map<WorkerRef, StopReason> stoppedHere = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<WorkerRef, StopReason> eldest) {
            return size() > GRANTS_KEPT;
        }
    };

    private final Map<Long, Abort> aborts = new HashMap<>();
    private final DueQueue<Abort> abortsDue = new DueQueue<>();

    private final ArrayDeque<Msg> toSelf = new ArrayDeque<>();
    private long ids;
    private long nextAnnounce;
    private boolean draining;

    private record RemoteWatch(NodeId origin, long id) {
    }

    /**
     * Our registerLocal {@code corr} that will not host: its hosting failed, or it timed out (a grant may be on its
     * way yet). Its owner is told until it answers.
     */
    private static final class Abort {
        final long corr;
        final String name;
        final long since;

        Abort(long corr, String name, long since) {
            this.corr = corr;
            this.name = name;
            this.since = since;
        }
    }

    /** Our watch of a remote worker: the API monitors waiting on it. */
    private static final class Watch {
        final long id;
        final WorkerRef ref;
        final List<Long> reqs = new ArrayList<>(1);

        Watch(long id, WorkerRef ref) {
            this.id = id;
            this.ref = ref;
        }
    }

    /** Who asked for a handoff: its node and request id. */
    private record Requester(NodeId origin, long corr) {
    }

    private enum Kind { REGISTER, CLAIM, LOOKUP, NAME }

    /** A request of this node's, resent to the current owner until answered or out of time. */
    private static final class Pending {
        final long id;
        final Kind kind;
        final String name;
        final String type;
        final byte[] args;
        final boolean orExisting;
        final NameAction action;
        final String group;
        final long deadline;
        NodeId target;
        long resendAt;

        Pending(long id, Kind kind, String name, String type, byte[] args, boolean orExisting, NameAction action,
                String group, long deadline) {
            this.id = id;
            this.kind = kind;
            this.name = name;
            this.type = type;
            this.args = args;
            this.orExisting = orExisting;
            this.action = action;
            this.group = group;
            this.deadline = deadline;
        }
    }

    /** A name this node, as its owner, holds for a start in progress; later requests wait on it. */
    private static final class Claim {
        final long id;
        final String name;
        final NodeId host;
        final boolean local;
        final long deadline;
        final List<Waiter> waiters = new ArrayList<>(1);
        /** For a failover: the dead host's record being started again, else null. */
        Record orphan;
        /** For a local claim: the claimant's request it was granted to (its abort names it). */
        long corr;

        Claim(long id, String name, NodeId host, boolean local, long deadline) {
            this.id = id;
            this.name = name;
            this.host = host;
            this.local = local;
            this.deadline = deadline;
        }
    }

    private record Waiter(NodeId origin, long corr, boolean orExisting) {
    }

    /**
     * The latest registrations this owner granted: who asked (origin and request id), the name and what
     * started. A request sent again because its answer was lost is answered OK with that worker again, not
     * "already registered" with its own worker. The last {@link #GRANTS_KEPT} only: a resend comes within
     * the retry delay, long before that many later registrations push it out.
     */
    static final int GRANTS_KEPT = 65_536;
    private final GrantLog grants = new GrantLog(GRANTS_KEPT);

    /**
     * The latest registrations and local claims whose requests are over, by who asked, besides the grants: answered
     * for good (already registered, unknown type, quorum lost), given up ({@link Msg.ClaimAbort}) or in place (the
     * claimant's record arrived). A copy of such a request that arrives late (a resend delayed past its answer or
     * abort) would otherwise be judged anew on a state that changed since: a local claim nobody completes or aborts,
     * holding the name for the claim timeout, or a worker started that nobody asked for once the name was
     * unregistered. It is dropped (a claim) or answered ENDED (a registration) instead. The last
     * {@link #GRANTS_KEPT} only, as grants: a peer that floods requests pushes out only what a late copy would find.
     */
    private final GrantLog requestsOver = new GrantLog(GRANTS_KEPT);

    /**
     * Name requests (unregister, join, leave, handoff) by who asked (origin and request id): the host a request was
     * forwarded to, and once known, the host's final report. The host keeps the report when it does the change,
     * the owner what it forwarded and the report it relayed. A request sent again because an answer was lost (the
     * report to the owner, or the owner's to the origin) is answered with that report again, or forwarded to the
     * same host again, not judged anew on a state it changed itself (an unregistration asked again found the name
     * gone: "not registered", or RETRY from its host until the caller's timeout while the owner's replica still
     * held the name). The last {@link #GRANTS_KEPT} only, as grants.
     */
    private record NameAnswer(NodeId host, Msg.NameDone report) {
    }

    private final Map<Requester, NameAnswer> nameAnswers = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Requester, NameAnswer> eldest) {
            return size() > GRANTS_KEPT;
        }
    };

    /**
     * One of our workers moving to its new placement: its host is asked {@code beginHandoff} (it holds the
     * worker's messages from then on); after restart or resume the new host is asked to start it one
     * generation up, and once it answers, our record goes and the held messages follow the new instance.
     */
    private static final class Move {
        final long id;
        final Record from;
        NodeId target;
        /** The handoff request that began this move ahead of its turn (its origin's), or null for a rebalance's. */
        Requester requester;
        /** Set once the worker answered restart or resume: the start is asked (again, until answered). */
        boolean decided;
        byte[] state;
        long resendAt;

        Move(long id, Record from, NodeId target) {
            this.id = id;
            this.from = from;
            this.target = target;
        }
    }

    /** A worker's latest checkpoint, kept by the node that would host it next. */
    private record Replica(WorkerRef ref, long gen, byte[] state) {
    }

    /** A movable record whose host died, waiting to be restarted by the name's owner. */
    private record Orphan(Record record, long since) {
    }

    /**
     * A start ordered from this node's host: for an owner's claim (a registration or a failover), a move
     * from another host, or a restart of our own worker ({@code restarting}).
     */
    private record Start(NodeId owner, long claimId, String name, String type, byte[] args, Record restarting, long gen,
                         String[] groups, byte[] state) {
    }

    private record Conflict(String name, WorkerRef loser, WorkerRef winner) {
    }

    /** What this core counted (its thread writes, anyone reads). */
    final RegistryStats stats = new RegistryStats();

    /** A node without roles. */
    RegistryCore(NodeId self, RegistrySettings settings, Effects fx, LongSupplier clock) {
        this(self, Set.of(), settings, fx, clock);
    }

    /** @param roles this node's roles, told to its peers with its worker types (operators see them) */
    RegistryCore(NodeId self, Set<String> roles, RegistrySettings settings, Effects fx, LongSupplier clock) {
        this.self = self;
        this.settings = settings;
        this.successorNames = new String[settings.checkpointCopies()];
        this.fx = fx;
        this.clock = clock;
        this.own = new Partition(self);
        own.synced = true;
        own.roles = Set.copyOf(roles);
        profiled(own);
        partitions.put(self, own);
        liveByName.put(self.name(), self);
        topologyChanged();
    }

    // ================================================================ reads (any thread)

    Optional<WorkerRef> whereis(String name) {
        return Optional.ofNullable(winners.whereis(name));
    }

    Map<String, WorkerRef> registered() {
        return winners.registered();
    }

    List<WorkerRef> members(String group) {
        final Set<String> names = groups.get(group);
        if (names == null) {
            return List.of();
        }
        final List<WorkerRef> refs = new ArrayList<>(names.size());
        for (String name : names) {
            final Record r = winners.get(name);
            if (r != null && r.inGroup(group)) {
                refs.add(r.ref);
            }
        }
        return refs;
    }

    Set<String> groupNames() {
        final Set<String> out = new HashSet<>();
        groups.forEach((g, names) -> {
            if (!names.isEmpty()) {
                out.add(g);
            }
        });
        return out;
    }

    boolean ready() {
        return readyFlag;
    }

    /** Each live node's roles and offered types, of those heard from: a snapshot. */
    Map<NodeId, NodeProfile> profiles() {
        return Map.copyOf(profiles);
    }

    boolean hasQuorum() {
        return quorumFlag;
    }

    // ================================================================ reads (registry thread)

    NodeId self() {
        return self;
    }

    Collection<NodeId> liveNodes() {
        return List.copyOf(liveByName.values());
    }

    /** The node serializing claims on {@code name}: the owner on the ring of all live nodes. */
    NodeId ownerOf(String name) {
        return liveByName.get(ring.owner(name));
    }

    int partitionSize(NodeId host) {
        final Partition p = partitions.get(host);
        return p == null ? 0 : p.size();
    }

    String debugMoves() {
        final StringBuilder b = new StringBuilder("due=" + rebalanceDue + " ready=" + readyFlag + " q=" + quorumFlag + " queue=" + moveQueue);
        moves.values().forEach(m -> b.append(" move ").append(m.from).append("->").append(m.target).append(" decided=").append(m.decided));
        b.append(" starting=").append(startingNames).append(" orphans=").append(orphans.keySet());
        return b.toString();
    }

    /** Our own records (tests, and the shell's local view). */
    List<Record> ownRecords() {
        return own.all();
    }

    Record winner(String name) {
        return winners.get(name);
    }

    // ================================================================ membership

    void nodeUp(NodeId node) {
        if (node.equals(self) || partitions.containsKey(node)) {
            return;
        }
        final NodeId previous = liveByName.get(node.name());
        if (previous != null && !previous.equals(self)) {
            nodeDown(previous); // an older incarnation: it is over
        }
        final Partition p = new Partition(node);
        partitions.put(node, p);
        liveByName.put(node.name(), node);
        // Back after a partition: its own records are the truth again (the sync brings them).
        orphans.values().removeIf(o -> o.record.ref.node().equals(node));
        topologyChanged();
        requestSync(p);
        drain();
    }

    void nodeDown(NodeId node) {
        if (node.equals(self)) {
            return;
        }
        final Partition p = partitions.remove(node);
        if (p == null) {
            return;
        }
        profiles.remove(node);
        liveByName.remove(node.name(), node);
        topologyChanged();
        final long now = now();
        for (Record r : p.all()) {
            if (r.movable()) {
                final Orphan o = orphans.get(r.name);
                if (o == null || o.record.gen < r.gen) {
                    final Orphan orphan = new Orphan(r, now);
                    orphans.put(r.name, orphan);
                    orphansByAge.addLast(orphan);
                }
            }
        }
        for (Record r : p.all()) {
            updateWinner(r.name, StopReason.NODE_DOWN);
        }
        // Winners of conflicted names depend on the ring: look again.
        for (String name : List.copyOf(conflicted)) {
            updateWinner(name, StopReason.CONFLICT_LOST);
        }
        // Monitors of its workers fire; our watches of its workers too.
        for (Iterator<Watch> it = watches.values().iterator(); it.hasNext(); ) {
            final Watch w = it.next();
            if (w.ref.node().equals(node)) {
                it.remove();
                watchesById.remove(w.id);
                completeWatch(w, StopReason.NODE_DOWN);
            }
        }
        watchedHere.values().forEach(list -> list.removeIf(w -> w.origin.equals(node)));
        // Claims whose start ran there: the waiters ask again (the new placement starts it).
        for (Iterator<Claim> it = claims.values().iterator(); it.hasNext(); ) {
            final Claim c = it.next();
            if (c.host.equals(node)) {
                it.remove();
                claimEnded(c.name);
                answerWaiters(c, Status.RETRY, null, "the node starting it went down");
            }
        }
        // Moves whose start was asked there ask their new placement at once.
        for (Move m : moves.values()) {
            if (m.decided && node.equals(m.target)) {
                m.resendAt = now;
            }
        }
        // Our requests waiting on it go to the new owner at once.
        for (Pending q : pending.values()) {
            if (node.equals(q.target)) {
                dispatch(q);
            }
        }
        failover();
        drain();
    }

    /**
     * Restarts, as the owner of their names, the movable workers of dead nodes that run nowhere now: from
     * their start spec, on their placement, one generation up, with their groups; serialized by a claim
     * like a registration. Only with a complete view (ready) and quorum. Orphans of names this node does not
     * own are kept a claim timeout, in case their owner dies too before it restarted them.
     */
    private void failover() {
        if (orphans.isEmpty()) {
            failoverAll = false;
            claimsEnded.clear();
            orphansByAge.clear();
            return;
        }
        final long now = now();
        if (failoverAll) {
            failoverAll = false;
            claimsEnded.clear();
            for (Iterator<Orphan> it = orphans.values().iterator(); it.hasNext(); ) {
                if (failover(it.next(), now)) {
                    it.remove();
                }
            }
        } else if (!claimsEnded.isEmpty()) {
            for (String name : claimsEnded) {
                final Orphan o = orphans.get(name);
                if (o != null && failover(o, now)) {
                    orphans.remove(name);
                }
            }
            claimsEnded.clear();
        }
        for (Orphan o = orphansByAge.peekFirst(); o != null; o = orphansByAge.peekFirst()) {
            final boolean current = orphans.get(o.record.name) == o;
            if (current && now - o.since <= settings.claimTimeoutMs()) {
                break; // neither it nor any younger one is due
            }
            orphansByAge.pollFirst();
            if (current && failover(o, now)) {
                orphans.remove(o.record.name);
            }
        }
    }

    /** One orphan's turn in a failover pass: restarted if it is ours and may be; true when it goes. */
    private boolean failover(Orphan o, long now) {
        final String name = o.record.name;
        if (winners.get(name) != null) {
            return true; // runs (again) somewhere
        }
        if (!self.equals(ownerOf(name))) {
            return now - o.since > settings.claimTimeoutMs();
        }
        if (!readyFlag || !quorumFlag || claims.containsKey(name)) {
            return false;
        }
        final NodeId host = placementOf(name, o.record.type);
        if (host == null) {
            return false; // waits for a node that offers its type
        }
        final Claim c = new Claim(++ids, name, host, false, now + settings.claimTimeoutMs());
        c.orphan = o.record;
        putClaim(c);
        stats.count(RegistryStats.Figure.RESTARTS);
        send(host, new Msg.StartReq(c.id, name, o.record.type, o.record.args, o.record.gen + 1, o.record.groups,
            StartReason.RESTARTED, null));
        return false;
    }

    /** A claim on {@code name} ended: an orphan of it may be restarted at the next failover pass. */
    private void claimEnded(String name) {
        if (orphans.containsKey(name)) {
            claimsEnded.add(name);
        }
    }

    // ================================================================ graceful leave

    /**
     * Hands every movable worker of this node off to its placement among the other nodes (each as it
     * answers beginHandoff), before the node stops: this node stops offering any worker type (peers see it
     * and place nothing new here), so the rebalance that follows moves them all. Completes
     * {@code reqId} once no worker of ours has another placement to go to (none offers its type) and no move
     * is under way. registerLocal workers stay: they are never moved. The node offers no type from then on,
     * until its registry starts again.
     */
    void leave(long reqId) {
        if (leaveReq != 0) {
            fx.failed(reqId, new org.swarmosgi.api.SwarmException("a drain of " + self + " is under way already"));
            return;
        }
        leaveReq = reqId;
        left = true;
        localTypes = Map.of();
        final Op.Types op = new Op.Types(++own.appliedSeq, Set.of(), own.roles);
        own.types = op.types();
        profiled(own);
        outOps.add(op);
        typesChanged();
        rebalance();
        leftYet();
        drain();
    }

    /** Completes a leave once nothing more can move. */
    private void leftYet() {
        if (leaveReq == 0 || rebalanceDue || !moves.isEmpty() || !moveQueue.isEmpty()) {
            return;
        }
        for (Record r : own.all()) {
            if (r.movable() && placementOf(r.name, r.type) != null) {
                return; // the next rebalance (when our view is whole) moves it
            }
        }
        final long req = leaveReq;
        leaveReq = 0;
        fx.completed(req, null);
    }

    // ================================================================ checkpoints, replicated to the successors

    /**
     * For each type with a checkpoint interval, once per interval (and at once after a topology change):
     * takes the checkpoint of each of our workers of that type; {@link #onCheckpoint} sends it to the node
     * that would host the worker next. What a crash loses: the changes since the last checkpoint.
     */
    private void checkpointRounds(long now) {
        if (!readyFlag || !quorumFlag) {
            return;
        }
        List<String> due = null;
        for (WorkerTypeInfo info : localTypes.values()) {
            final long interval = info.checkpointInterval().toMillis();
            if (interval <= 0) {
                continue;
            }
            final Long next = nextCheckpointRound.get(info.name());
            if (next == null || now >= next) {
                nextCheckpointRound.put(info.name(), now + interval);
                if (due == null) {
                    due = new ArrayList<>(2);
                }
                due.add(info.name());
            }
        }
        if (due == null) {
            return;
        }
        for (Record r : own.all()) {
            if (r.movable() && due.contains(r.type) && !moves.containsKey(r.name) && !beingTaken.contains(r.ref)) {
                final long id = ++ids;
                replicating.put(id, r);
                beingTaken.add(r.ref);
                fx.takeCheckpoint(id, r.ref);
            }
        }
    }

    /**
     * A worker asked for its checkpoint now ({@code WorkerContext.checkpointNow}): taken and sent to its
     * successor as in a round; one at a time per worker, a request meanwhile coalesced into one more.
     */
    void checkpointRequested(WorkerRef ref) {
        final Record r = ownRecord(ref);
        if (r == null || !r.movable() || moves.containsKey(r.name)) {
            return; // gone, hosted locally (never restarted elsewhere), or moving (its state travels with it)
        }
        if (beingTaken.contains(ref)) {
            checkpointAgain.add(ref);
            return;
        }
        final long id = ++ids;
        replicating.put(id, r);
        beingTaken.add(r.ref);
        fx.takeCheckpoint(id, r.ref);
    }

    private void onReplica(NodeId from, Msg.Checkpoint c) {
        final Record holder = partitions.get(from).get(c.name());
        if (holder != null && !holder.ref.equals(c.ref())) {
            return; // an instance that is not the one its host holds: late
        }
        final Replica old = replicas.get(c.name());
        if (old == null || old.gen <= c.gen()) {
            replicas.put(c.name(), new Replica(c.ref(), c.gen(), c.state()));
        }
    }

    /**
     * The latest checkpoint we hold of {@code name}, of an instance of generation {@code gen} or a later one,
     * taken once. A later one: the instance that restarted it died too before its record reached the name's
     * (new) owner, which restarts the older orphan it knows; the state is still the name's latest.
     */
    private byte[] takeReplica(String name, long gen) {
        final Replica r = replicas.get(name);
        if (r == null || r.gen < gen) {
            return null;
        }
        replicas.remove(name);
        return r.state;
    }

    /** Checkpoints held of {@code name} go when it is unregistered or runs as another instance. */
    private void dropReplica(String name, Record now, StopReason reasonIfGone) {
        if (replicas.isEmpty()) {
            return;
        }
        final Replica r = replicas.get(name);
        if (r != null && (now == null ? reasonIfGone != StopReason.NODE_DOWN : !now.ref.equals(r.ref))) {
            replicas.remove(name);
        }
    }

    /**
     * Keeps only checkpoints of names we are among the first {@code checkpoint.copies} successors of: those
     * whose host is alive and has other successors now go (its next round sends them there). Those of dead
     * hosts stay for their failover.
     */
    private void pruneReplicas() {
        if (replicas.isEmpty()) {
            return;
        }
        for (Iterator<Map.Entry<String, Replica>> it = replicas.entrySet().iterator(); it.hasNext(); ) {
            final Map.Entry<String, Replica> e = it.next();
            final Partition p = partitions.get(e.getValue().ref.node());
            final Record holder = p == null ? null : p.get(e.getKey());
            if (holder == null || !holder.ref.equals(e.getValue().ref) || placementOf(holder.name, holder.type) == null) {
                continue;
            }
            if (!isSuccessor(holder, p.host.name())) {
                it.remove();
            }
        }
    }

    private boolean isSuccessor(Record r, String host) {
        final int n = successors(r.name, r.type, host);
        for (int i = 0; i < n; i++) {
            if (successorNames[i].equals(self.name())) {
                return true;
            }
        }
        return false;
    }

    /** Records of dead nodes kept for their failover (tests). */
    int orphanCount() {
        return orphans.size();
    }

    int replicaCount() {
        return replicas.size();
    }

    // ================================================================ moves (rebalancing)

    /**
     * After a topology or type change, once our view is complete: queues every worker of ours whose
     * placement is another node now (only those: a consistent-hash ring moves the fewest names), and starts
     * moving up to {@code handoff.max.inflight} of them; each finished move lets the next one begin.
     */
    private void rebalance() {
        if (!rebalanceDue || !readyFlag || !quorumFlag) {
            return;
        }
        rebalanceDue = false;
        pruneReplicas();
        moveQueue.clear();
        for (Record r : own.all()) {
            if (r.movable() && !moves.containsKey(r.name)) {
                final NodeId target = placementOf(r.name, r.type);
                if (target != null && !target.equals(self)) {
                    moveQueue.add(r.name);
                }
            }
        }
        pump();
    }

    private void pump() {
        while (moves.size() < settings.handoffsInFlight() && !moveQueue.isEmpty()) {
            final Record r = own.get(moveQueue.poll());
            if (r == null || !r.movable() || moves.containsKey(r.name) || startingNames.containsKey(r.name)
                || conflicted.contains(r.name)) {
                continue; // a duplicate is settled by the conflict rule first (then the survivor moves if it must)
            }
            final NodeId target = placementOf(r.name, r.type);
            if (target == null || target.equals(self)) {
                continue;
            }
            final Move m = new Move(++ids, r, target);
            moves.put(r.name, m);
            movesById.put(m.id, m);
            stats.count(RegistryStats.Figure.HANDOFFS);
            fx.beginHandoff(m.id, r.ref, r.version);
        }
    }

    /**
     * The moving worker answered {@code beginHandoff} (restart when it failed or timed out). Ignore: it
     * stays, holding its name until the next topology change. Otherwise the new host is asked to start it.
     */
    void onHandoff(long id, HandoffDecision.Kind decision, byte[] state) {
        final Move m = movesById.get(id);
        if (m == null) {
            return;
        }
        final Record current = own.get(m.from.name);
        if (current == null || !current.ref.equals(m.from.ref)) {
            abandon(m); // unregistered, crashed or restarted meanwhile: nothing to move
        } else if (decision == HandoffDecision.Kind.IGNORE) {
            if (m.requester != null) {
                ignoredHandoffs.put(m.from.name, m.requester);
            }
            finish(m);
            fx.handoffEnded(m.from.ref, m.from.ref);
        } else {
            m.decided = true;
            m.state = decision == HandoffDecision.Kind.RESUME ? state : null;
            askStart(m);
        }
        drain();
    }

    /** Asks the move's placement (looked up again: it may have changed) to start the worker. */
    private void askStart(Move m) {
        final NodeId target = placementOf(m.from.name, m.from.type);
        if (target != null) {
            m.target = target;
        } else if (!partitions.containsKey(m.target)) {
            m.target = self; // nobody else offers its type any more: it starts again here, or nowhere
        }
        m.resendAt = now() + settings.syncTimeoutMs();
        send(m.target, new Msg.StartReq(m.id, m.from.name, m.from.type, m.from.args, m.from.gen + 1, m.from.groups,
            StartReason.HANDED_OFF, m.state));
    }

    /** The new host answered a move's start. */
    private void onMoveStarted(NodeId from, Msg.StartReply r) {
        final Move m = movesById.get(r.claimId());
        if (m == null || !m.decided || !from.equals(m.target)) {
            return;
        }
        if (r.status() == Status.QUORUM_LOST || r.status() == Status.UNKNOWN_TYPE) {
            m.resendAt = now() + settings.retryDelayMs(); // its view lags ours: ask the placement again soon
            return;
        }
        if (r.status() == Status.ENDED) {
            abandon(m); // it started there and ended (our first answer was lost): the name ends with it
            return;
        }
        if (r.status() != Status.OK) {
            if (!m.target.equals(self) && localTypes.containsKey(m.from.type)) {
                m.target = self; // the new placement refused: start it here again rather than lose it
                m.resendAt = now() + settings.syncTimeoutMs();
                send(self, new Msg.StartReq(m.id, m.from.name, m.from.type, m.from.args, m.from.gen + 1, m.from.groups,
                    StartReason.HANDED_OFF, m.state));
            } else {
                abandon(m);
            }
            return;
        }
        finish(m);
        final Record current = own.get(m.from.name);
        if (current != null && current.ref.equals(m.from.ref)) {
            removeOwn(current, StopReason.MOVED);
        } else {
            fireMonitors(m.from.ref, StopReason.MOVED); // replaced here by the new instance already
        }
        applyEarly(r.record());
        fx.handoffEnded(m.from.ref, r.record().ref);
    }

    /** A move that cannot complete: the old instance has stopped (or is gone), so its name goes with it. */
    private void abandon(Move m) {
        finish(m);
        final Record current = own.get(m.from.name);
        if (m.decided && current != null && current.ref.equals(m.from.ref)) {
            removeOwn(current, StopReason.MOVED);
        } else if (current != null && !current.ref.equals(m.from.ref)) {
            moveOnIfMisplaced(current); // restarted here while the move waited: the new instance moves instead
        }
        fx.handoffEnded(m.from.ref, null);
    }

    private void finish(Move m) {
        moves.remove(m.from.name);
        movesById.remove(m.id);
        pump();
    }

    private void topologyChanged() {
        ring = HashRing.of(liveByName.keySet(), settings.virtualNodes());
        conflictsAll = true; // owners may have changed
        typesChanged();
        final boolean quorum = settings.staticQuorumSize() == 0 || liveByName.size() >= settings.staticQuorumSize();
        if (quorumFlag && !quorum) {
            quorumLost();
        }
        quorumFlag = quorum;
        updateReady();
    }

    /** Placements may have changed: the type rings are built again, and our workers checked on the next tick. */
    private void typesChanged() {
        failoverAll = true; // owners and placements may have changed
        ignoredHandoffs.clear();
        typeRings.clear();
        rebalanceDue = true;
        nextCheckpointRound.clear(); // successors may have changed: every checkpointing type sends again now
    }

    private void updateReady() {
        boolean ready = quorumFlag;
        for (Partition p : partitions.values()) {
            ready &= p.synced;
        }
        failoverAll |= ready && !readyFlag;
        readyFlag = ready;
    }

    /** A minority side stops its movable workers instead of running them twice. */
    private void quorumLost() {
        for (Move m : List.copyOf(moves.values())) {
            abandon(m);
        }
        moveQueue.clear();
        for (Record r : own.all()) {
            if (r.movable()) {
                removeOwn(r, StopReason.QUORUM_LOST);
                fx.stopWorker(r.ref, StopReason.QUORUM_LOST, r.version);
            }
        }
    }

    // ================================================================ worker types

    /** The worker types this node's host offers changed. */
    void localTypes(Map<String, WorkerTypeInfo> types) {
        if (left) {
            return; // drained: this node offers nothing until its registry starts again
        }
        localTypes = Map.copyOf(types);
        final Op.Types op = new Op.Types(++own.appliedSeq, types.keySet(), own.roles);
        own.types = op.types();
        profiled(own);
        outOps.add(op);
        typesChanged();
        drain();
    }

    /** Moves one of our workers whose placement is another node, once our view is whole. */
    private void moveOnIfMisplaced(Record r) {
        final NodeId target = placementOf(r.name, r.type);
        if (target == null || target.equals(self)) {
            return;
        }
        if (readyFlag && quorumFlag) {
            moveQueue.add(r.name);
            pump();
        } else {
            rebalanceDue = true;
        }
    }

    /** The node that runs workers of {@code type} named {@code name}, or null when no live node offers it. */
    NodeId placementOf(String name, String type) {
        HashRing r = typeRings.get(type);
        if (r == null) {
            final List<String> offering = new ArrayList<>();
            for (Partition p : partitions.values()) {
                if (p.types.contains(type)) {
                    offering.add(p.host.name());
                }
            }
            if (offering.isEmpty()) {
                return null;
            }
            r = offering.size() == liveByName.size() ? ring : HashRing.of(offering, settings.virtualNodes());
            typeRings.put(type, r);
        }
        return liveByName.get(r.owner(name));
    }

    /**
     * The nodes that would host {@code name} if {@code host} died, then its first successor too, and so on:
     * its placement on the type's ring without {@code host}, then without that one too... up to
     * {@code checkpoint.copies} of them, into {@link #successorNames}; returns how many (0 when no other live
     * node offers the type).
     */
    private int successors(String name, String type, String host) {
        if (placementOf(name, type) == null) {
            return 0;
        }
        return typeRings.get(type).successors(name, host, successorNames);
    }

    /** Sends a checkpoint of our worker {@code r} to each of its first successors. */
    private void sendCheckpoint(Record r, byte[] state) {
        final int n = successors(r.name, r.type, self.name());
        final Msg.Checkpoint c = n == 0 ? null : new Msg.Checkpoint(r.name, r.ref, r.gen, state); // immutable: one for all
        for (int i = 0; i < n; i++) {
            final NodeId to = liveByName.get(successorNames[i]);
            if (to != null) {
                send(to, c);
                stats.count(RegistryStats.Figure.CHECKPOINTS_SENT);
            }
        }
    }

    // ================================================================ API calls

    void register(long reqId, String name, String type, byte[] args, long timeoutMs, boolean orExisting) {
        stats.count(RegistryStats.Figure.REGISTER_REQUESTS);
        final Record existing = own.get(name);
        if (existing != null && orExisting) {
            fx.completed(reqId, existing.ref); // ours: alive for sure; any other holder is confirmed by the owner
            return;
        }
        submit(new Pending(reqId, Kind.REGISTER, name, type, args, orExisting, null, null, now() + timeoutMs));
    }

    /** registerLocal: ask the owner for the name; once granted, {@link Effects#hostLocal} hosts the instance. */
    void registerLocal(long reqId, String name, long timeoutMs) {
        submit(new Pending(reqId, Kind.CLAIM, name, null, null, false, null, null, now() + timeoutMs));
    }

    void lookup(long reqId, String name, long timeoutMs) {
        final Record r = winners.get(name);
        if (r != null) {
            fx.completed(reqId, Optional.of(r.ref));
            return;
        }
        stats.count(RegistryStats.Figure.LOOKUPS_ASKING_OWNER);
        submit(new Pending(reqId, Kind.LOOKUP, name, null, null, false, null, null, now() + timeoutMs));
    }

    void unregister(long reqId, String name, long timeoutMs) {
        submit(new Pending(reqId, Kind.NAME, name, null, null, false, NameAction.UNREGISTER, null, now() + timeoutMs));
    }

    void join(long reqId, String group, String name, long timeoutMs) {
        submit(new Pending(reqId, Kind.NAME, name, null, null, false, NameAction.JOIN, group, now() + timeoutMs));
    }

    void leave(long reqId, String group, String name, long timeoutMs) {
        submit(new Pending(reqId, Kind.NAME, name, null, null, false, NameAction.LEAVE, group, now() + timeoutMs));
    }

    /** Moves the worker of {@code name} to its placement now; completes with the worker running there. */
    void handoff(long reqId, String name, long timeoutMs) {
        submit(new Pending(reqId, Kind.NAME, name, null, null, false, NameAction.HANDOFF, null, now() + timeoutMs));
    }

    /**
     * A rebalance pass now (when our view is whole; else at the next tick that has it), with the workers that
     * answered ignore queued again too; completes {@code reqId} with the moves under way and queued.
     */
    void rebalanceNow(long reqId) {
        rebalanceDue = true;
        rebalance();
        final List<Rebalance.Move> moving = new ArrayList<>(moves.size());
        for (Move m : moves.values()) {
            moving.add(new Rebalance.Move(m.from.name, m.from.ref, m.target, m.decided));
        }
        moving.sort(java.util.Comparator.comparing(Rebalance.Move::name));
        fx.completed(reqId, new Rebalance(moving, moveQueue.size()));
        drain();
    }

    void monitor(long reqId, WorkerRef ref) {
        if (ref.node().equals(self)) {
            if (ownRecord(ref) != null) {
                localMonitors.computeIfAbsent(ref, k -> new ArrayList<>(1)).add(reqId);
            } else {
                fx.completed(reqId, StopReason.NO_SUCH_WORKER);
            }
        } else if (!partitions.containsKey(ref.node())) {
            fx.completed(reqId, StopReason.NODE_DOWN);
        } else {
            Watch w = watches.get(ref);
            if (w == null) {
                w = new Watch(++ids, ref);
                watches.put(ref, w);
                watchesById.put(w.id, w);
                askWatch(w, now());
            }
            w.reqs.add(reqId);
        }
        drain();
    }

    /**
     * The monitor {@code reqId} is not wanted any more (its caller cancelled it): it is forgotten, and a watch of
     * a remote worker that no monitor waits on is asked no more (its host's entry goes when the worker ends).
     */
    void cancelMonitor(long reqId, WorkerRef ref) {
        final List<Long> local = localMonitors.get(ref);
        if (local != null && local.remove(reqId) && local.isEmpty()) {
            localMonitors.remove(ref);
        }
        final Watch w = watches.get(ref);
        if (w != null && w.reqs.remove(reqId) && w.reqs.isEmpty()) {
            watches.remove(ref);
            watchesById.remove(w.id);
        }
    }

    /** Watches of remote workers (tests). */
    int watchCount() {
        return watches.size();
    }

    private void submit(Pending q) {
        if (!quorumFlag && (q.kind == Kind.REGISTER || q.kind == Kind.CLAIM)) {
            fx.failed(q.id, new QuorumLostException("registrations are refused: this side of the cluster sees "
                + liveByName.size() + " nodes, fewer than the quorum of " + settings.staticQuorumSize()));
            return;
        }
        pending.put(q.id, q);
        deadlines.add(q);
        if (deadlines.size() > 2 * pending.size() + 1024) {
            deadlines.removeIf(p -> pending.get(p.id) != p); // answered ones, before their deadline
        }
        dispatch(q);
        drain();
    }

    private void dispatch(Pending q) {
        final NodeId owner = ownerOf(q.name);
        q.target = owner;
        // Asked again if no answer comes: a send the transport refused, or a message dropped by an owner
        // whose view of us lagged, is otherwise lost for good (the owner serves a repeat like the first).
        q.resendAt = now() + settings.syncTimeoutMs();
        queueResend(resends, q);
        final Msg m = switch (q.kind) {
            case REGISTER -> new Msg.RegisterReq(q.id, q.name, q.type, q.args, q.orExisting);
            case CLAIM -> new Msg.ClaimReq(q.id, q.name);
            case LOOKUP -> new Msg.LookupReq(q.id, q.name);
            case NAME -> new Msg.NameReq(q.id, q.action, q.name, q.group);
        };
        send(owner, m);
    }

    private void retryLater(Pending q) {
        q.resendAt = now() + settings.retryDelayMs();
        queueResend(retries, q);
    }

    private void queueResend(DueQueue<Pending> queue, Pending q) {
        queue.add(q, q.resendAt);
        if (queue.size() > 2 * pending.size() + 1024) {
            queue.retain(this::resendStands);
        }
    }

    /** An entry of a resend queue stands while its request waits and was not asked otherwise since. */
    private boolean resendStands(Pending q, long due) {
        return pending.get(q.id) == q && q.resendAt == due;
    }

    /** Fails the requests whose time is up, and asks again those whose resend is due. */
    private void resend() {
        final long now = now();
        for (Pending q = deadlines.peek(); q != null && now >= q.deadline; q = deadlines.peek()) {
            deadlines.poll();
            if (pending.get(q.id) == q) {
                pending.remove(q.id);
                if (q.kind == Kind.CLAIM) {
                    abortClaim(q.id, q.name); // its owner may have granted it meanwhile: nobody will host it now
                }
                fx.failed(q.id, new SwarmTimeoutException(describe(q) + " did not complete in time (last asked "
                    + q.target + ")"));
            }
        }
        resendDue(resends, now);
        resendDue(retries, now);
    }

    private void resendDue(DueQueue<Pending> queue, long now) {
        while (!queue.isEmpty() && now >= queue.headDue()) {
            final long due = queue.headDue();
            final Pending q = queue.poll();
            if (resendStands(q, due)) {
                dispatch(q);
            }
        }
    }

    private void putClaim(Claim c) {
        claims.put(c.name, c);
        claimDeadlines.add(c, c.deadline);
        if (claimDeadlines.size() > 2 * claims.size() + 1024) {
            claimDeadlines.retain((k, due) -> claims.get(k.name) == k); // ended ones, before their deadline
        }
    }

    private static String describe(Pending q) {
        return switch (q.kind) {
            case REGISTER -> "registering '" + q.name + "'";
            case CLAIM -> "registering '" + q.name + "' locally";
            case LOOKUP -> "looking up '" + q.name + "'";
            case NAME -> q.action.name().toLowerCase() + " '" + q.name + "'" + (q.group == null ? "" : " / '" + q.group + "'");
        };
    }

    // ================================================================ time

    void tick() {
        final long now = now();
        resend();
        askWatchesAgain(now);
        abortAgain(now);
        pruneEnded(now);
        while (!claimDeadlines.isEmpty() && now >= claimDeadlines.headDue()) {
            final Claim c = claimDeadlines.poll();
            if (claims.get(c.name) == c) {
                claims.remove(c.name);
                claimEnded(c.name);
                answerWaiters(c, Status.RETRY, null, "the start did not answer in time");
            }
        }
        for (Partition p : partitions.values()) {
            if (p != own && p.syncInFlight() && now >= p.syncDeadline) {
                if (p.syncParts == 0 && !p.syncAskedAgain) {
                    // Nothing of the answer yet: a large answer on a loaded machine can take longer than the timeout,
                    // and a new request would throw it away when it comes, every time (a 100,000-name join was asked
                    // 8 times). The same request once more, with twice the time: a host that answered it ignores it,
                    // one that never got it answers. Still nothing then: a new request.
                    p.syncAskedAgain = true;
                    p.syncDeadline = now + 2 * settings.syncTimeoutMs();
                    fx.send(p.host, p.syncAsk);
                } else {
                    p.syncNonce = 0;
                    requestSync(p);
                }
            }
        }
        if (now >= nextAnnounce) {
            nextAnnounce = now + settings.announceIntervalMs();
            flush();
            broadcast(new Msg.SeqAnnounce(own.appliedSeq));
        }
        resolveConflicts(now);
        winners.keepMoving(NAME_INDEX_MOVE_PER_TICK);
        failover();
        rebalance();
        checkpointRounds(now);
        leftYet();
        for (Move m : moves.values()) { // at most handoff.max.inflight; askStart changes none
            if (m.decided && now >= m.resendAt) {
                askStart(m);
            }
        }
        drain();
    }

    /** Sends the operations written since the last flush to every peer, as one batch each. */
    void flush() {
        if (outOps.isEmpty()) {
            return;
        }
        // In messages of at most OPS_PER_MESSAGE operations: a message small enough for one transport frame
        // keeps its order with the messages after it (a larger one travels in chunks and may not); an
        // operation arriving after a later one looks like a gap and costs a sync.
        for (int from = 0; from < outOps.size(); from += OPS_PER_MESSAGE) {
            broadcast(new Msg.Ops(outOps.subList(from, Math.min(outOps.size(), from + OPS_PER_MESSAGE))));
        }
        outOps.clear();
    }

    private void broadcast(Msg m) {
        for (NodeId peer : partitions.keySet()) {
            if (!peer.equals(self)) {
                fx.send(peer, m);
            }
        }
    }

    private long now() {
        return clock.getAsLong();
    }

    // ================================================================ messages

    void onMessage(NodeId from, Msg m) {
        if (!from.equals(self) && !partitions.containsKey(from)) {
            return; // not a live member in our view (yet, or any more): it will ask again
        }
        handle(from, m);
        drain();
    }

    private void handle(NodeId from, Msg m) {
        if (m instanceof Msg.Ops ops) {
            onOps(from, ops.ops());
        } else if (m instanceof Msg.SeqAnnounce a) {
            onAnnounce(from, a.seq());
        } else if (m instanceof Msg.SyncRequest r) {
            onSyncRequest(from, r);
        } else if (m instanceof Msg.SyncReply r) {
            onSyncReply(from, r);
        } else if (m instanceof Msg.RegisterReq r) {
            onRegisterReq(from, r);
        } else if (m instanceof Msg.ClaimReq r) {
            onClaimReq(from, r);
        } else if (m instanceof Msg.ClaimAbort r) {
            onClaimAbort(from, r);
        } else if (m instanceof Msg.StartReq r) {
            onStartReq(from, r);
        } else if (m instanceof Msg.StartReply r) {
            onStartReply(from, r);
        } else if (m instanceof Msg.Reply r) {
            onReply(r);
        } else if (m instanceof Msg.LookupReq r) {
            onLookupReq(from, r);
        } else if (m instanceof Msg.NameReq r) {
            onNameReq(from, r);
        } else if (m instanceof Msg.NameFwd r) {
            onNameFwd(from, r);
        } else if (m instanceof Msg.NameDone r) {
            onNameDone(r);
        } else if (m instanceof Msg.MonitorReq r) {
            onMonitorReq(from, r);
        } else if (m instanceof Msg.MonitorFired r) {
            onMonitorFired(r);
        } else if (m instanceof Msg.ConflictLose r) {
            onConflictLose(r);
        } else if (m instanceof Msg.ConflictState r) {
            onConflictState(r);
        } else if (m instanceof Msg.Checkpoint c) {
            onReplica(from, c);
        }
    }

    private void send(NodeId to, Msg m) {
        if (to.equals(self)) {
            toSelf.add(m);
        } else {
            fx.send(to, m);
        }
    }

    /** Runs messages to ourselves after the current input, never inside it. */
    private void drain() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            Msg m;
            while ((m = toSelf.poll()) != null) {
                handle(self, m);
            }
        } finally {
            draining = false;
        }
    }

    // ---------------------------------------------------------------- replication

    private void onOps(NodeId from, List<Op> ops) {
        final Partition p = partitions.get(from);
        if (p.syncInFlight()) {
            hold(p, ops);
            return;
        }
        applyInOrder(p, ops);
    }

    /** Keeps operations that arrived during a sync, up to a bound; past it the next sync covers them. */
    private static void hold(Partition p, List<Op> ops) {
        if (p.heldOps.size() + ops.size() > MAX_HELD_OPS) {
            p.heldOps.clear();
            return;
        }
        p.heldOps.addAll(ops);
    }

    private void applyInOrder(Partition p, List<Op> ops) {
        for (int i = 0; i < ops.size(); i++) {
            final Op op = ops.get(i);
            if (op.seq() <= p.appliedSeq) {
                continue;
            }
            if (op.seq() != p.appliedSeq + 1) {
                requestSync(p); // a gap: anti-entropy fills it; keep the rest for after
                hold(p, ops.subList(i, ops.size()));
                return;
            }
            apply(p, op);
            p.appliedSeq = op.seq();
        }
    }

    private void apply(Partition p, Op op) {
        if (op instanceof Op.Put put) {
            putRecord(p, put.record());
        } else if (op instanceof Op.Remove rm) {
            removeRecord(p, rm.name(), rm.seq(), rm.reason());
        } else if (op instanceof Op.Types t) {
            p.roles = t.roles();
            if (!t.types().equals(p.types)) {
                p.types = t.types();
                typesChanged();
            }
            profiled(p);
        }
    }

    /** {@code p}'s host has told its types and roles (again): operators see them from now on. */
    private void profiled(Partition p) {
        profiles.put(p.host, new NodeProfile(p.host, p.roles, p.types));
    }

    /** Puts a record from {@code p}'s host, unless we hold a newer one of that name from it. */
    private void putRecord(Partition p, Record r) {
        final int bucket = Partition.bucket(r.name); // hashed once for the look and the put
        final Record old = p.get(r.name, bucket);
        if (old != null && old.version >= r.version) {
            return;
        }
        p.put(r, bucket);
        if (p != own && !ended.isEmpty()) {
            // Another instance of the name runs since ours ended: a start asked of us now is not ours asked again
            // (a new registration counts generations from 0 again: one of its restarts was answered ENDED).
            ended.remove(r.name);
        }
        updateWinner(r.name, old, r, StopReason.MOVED);
        final Claim c = claims.get(r.name);
        if (c != null && c.local && c.host.equals(p.host)) {
            claims.remove(r.name); // the local registration we granted is in place
            requestsOver.put(c.host, c.corr, r.name, r.ref);
            claimEnded(r.name);
            answerWaiters(c, Status.EXISTS, r, null);
        }
    }

    private void removeRecord(Partition p, String name, long seq, StopReason reason) {
        final Record old = p.get(name);
        if (old == null || old.version >= seq) {
            return;
        }
        p.remove(name);
        updateWinner(name, old, null, reason);
    }

    private void onAnnounce(NodeId from, long seq) {
        final Partition p = partitions.get(from);
        if (seq > p.appliedSeq && !p.syncInFlight()) {
            requestSync(p);
        }
    }

    private void requestSync(Partition p) {
        if (p == own || p.syncInFlight()) {
            return;
        }
        p.syncNonce = ++ids;
        p.changedDuringSync = false; // these digests describe the replica as it is now
        p.syncParts = 0;
        p.syncExpected = 0;
        p.syncAskedAgain = false;
        p.syncDeadline = now() + settings.syncTimeoutMs();
        p.syncAsk = new Msg.SyncRequest(p.syncNonce, p.digests());
        fx.send(p.host, p.syncAsk);
    }

    private void onSyncRequest(NodeId from, Msg.SyncRequest r) {
        final Partition peer = partitions.get(from);
        if (r.nonce() == peer.answeredNonce) {
            return; // asked once more (below) though its first request reached us: answered already
        }
        peer.answeredNonce = r.nonce();
        if (peer.syncInFlight() && peer.syncParts == 0) {
            // It has us in its view now, and a request of ours that reached it before may have been dropped (a
            // node that joins sees its peers, and starts its registry, after they see it): asked again at once,
            // not a sync timeout later. The same request, so a host that answered it already ignores it.
            fx.send(from, peer.syncAsk);
        }
        flush(); // operations written before this answer must not arrive after it
        final long[] theirs = r.digests();
        final List<Integer> differing = new ArrayList<>();
        for (int b = 0; b < Partition.BUCKETS; b++) {
            if (theirs == null || b >= theirs.length || theirs[b] != own.digest(b)) {
                differing.add(b);
            }
        }
        final long seq = own.appliedSeq;
        final List<Integer> buckets = new ArrayList<>();
        final List<Record> records = new ArrayList<>();
        int part = 0;
        for (int i = 0; i < differing.size(); i++) {
            final int b = differing.get(i);
            buckets.add(b);
            records.addAll(own.bucketRecords(b));
            if (records.size() >= settings.syncBatchRecords() && i < differing.size() - 1) {
                fx.send(from, new Msg.SyncReply(r.nonce(), seq, part++, toArray(buckets), List.copyOf(records), false,
                    null, null));
                buckets.clear();
                records.clear();
            }
        }
        fx.send(from, new Msg.SyncReply(r.nonce(), seq, part, toArray(buckets), List.copyOf(records), true, own.types,
            own.roles));
    }

    private static int[] toArray(List<Integer> list) {
        final int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = list.get(i);
        }
        return a;
    }

    private void onSyncReply(NodeId from, Msg.SyncReply r) {
        final Partition p = partitions.get(from);
        if (r.nonce() != p.syncNonce || r.seq() < p.appliedSeq) {
            return; // an old answer: a newer sync is in flight or done
        }
        final Map<Integer, List<Record>> byBucket = new HashMap<>();
        for (Record rec : r.records()) {
            if (!rec.ref.node().equals(from)) {
                continue; // a host answers only for its own records
            }
            byBucket.computeIfAbsent(Partition.bucket(rec.name), k -> new ArrayList<>()).add(rec);
        }
        for (int b : r.buckets()) {
            if (b < 0 || b >= Partition.BUCKETS) {
                continue;
            }
            final List<Record> fresh = byBucket.getOrDefault(b, List.of());
            final Set<String> keep = new HashSet<>();
            for (Record rec : fresh) {
                keep.add(rec.name);
                final Record old = p.get(rec.name);
                if (old == null || !old.equals(rec)) {
                    if (old == null || old.version <= r.seq() || old.version < rec.version) {
                        p.put(rec);
                        updateWinner(rec.name, StopReason.MOVED);
                    }
                }
            }
            for (Record old : p.bucketRecords(b)) {
                // Gone at the host, unless it is newer than this answer (came early through a reply).
                if (!keep.contains(old.name) && old.version <= r.seq()) {
                    p.remove(old.name);
                    updateWinner(old.name, StopReason.UNREGISTERED);
                }
            }
        }
        // The host answers in parts, numbered; a part may arrive after the last (large ones travel on their own
        // stream) or be lost. The sync ends when every part is in; the timeout counts from the latest part, and
        // a timeout asks again for what still differs.
        p.syncParts++;
        p.syncDeadline = now() + settings.syncTimeoutMs();
        if (r.last()) {
            p.syncExpected = r.part() + 1;
            p.syncTypes = r.types();
            p.syncRoles = r.roles();
        }
        if (p.syncExpected > 0 && p.syncParts >= p.syncExpected) {
            p.appliedSeq = Math.max(p.appliedSeq, r.seq());
            if (p.syncTypes != null && !p.syncTypes.equals(p.types)) {
                // Only a real change moves workers: one that answered ignore stays until placements change.
                p.types = Set.copyOf(p.syncTypes);
                typesChanged();
            }
            if (p.syncRoles != null) {
                p.roles = Set.copyOf(p.syncRoles);
                profiled(p);
            }
            p.syncNonce = 0;
            p.syncTypes = null;
            p.syncRoles = null;
            p.syncAsk = null;
            p.synced = true;
            final List<Op> held = new ArrayList<>(p.heldOps);
            p.heldOps.clear();
            held.sort((a, b) -> Long.compare(a.seq(), b.seq()));
            applyInOrder(p, held);
            if (p.changedDuringSync) {
                p.changedDuringSync = false;
                requestSync(p); // with digests that include what was applied early
            }
            updateReady();
        }
    }

    /**
     * Applies a record or operation learnt from an answer before its operation arrived, so the caller
     * sees at once what it was told; the operation or a sync confirms it later.
     */
    private void applyEarly(Record r) {
        final Partition p = partitions.get(r.ref.node());
        if (p == null || p == own || r.version <= p.appliedSeq) {
            return;
        }
        p.changedDuringSync |= p.syncInFlight();
        putRecord(p, r);
    }

    /** Applies an operation of {@code host}'s learnt from an answer, as {@link #applyEarly(Record)} does. */
    private void applyEarly(NodeId host, Op op) {
        final Partition p = partitions.get(host);
        if (p == null || p == own || op.seq() <= p.appliedSeq) {
            return;
        }
        p.changedDuringSync |= p.syncInFlight();
        if (op instanceof Op.Put put) {
            putRecord(p, put.record());
        } else if (op instanceof Op.Remove rm) {
            removeRecord(p, rm.name(), rm.seq(), rm.reason());
        }
    }

    // ---------------------------------------------------------------- the replica's view

    /**
     * {@link #updateWinner(String, StopReason)} after one partition's record of {@code name} changed from
     * {@code old} to {@code now} (null: none). When that partition held the name alone, or nobody did,
     * {@code now} is the only holder: no other partition needs a look (the common case, and three to seven
     * lookups saved per change).
     */
    private void updateWinner(String name, Record old, Record now, StopReason reasonIfGone) {
        final Record before = winners.get(name);
        if ((before == null || before == old) && !conflicted.contains(name)) {
            install(name, before, now, reasonIfGone);
            return;
        }
        updateWinner(name, reasonIfGone);
    }

    /** Recomputes which record of {@code name} lookups see, and tells listeners when it changed. */
    private void updateWinner(String name, StopReason reasonIfGone) {
        final Record before = winners.get(name);
        final int bucket = Partition.bucket(name); // hashed once for every partition
        NodeId owner = null; // looked up on the ring only when two hold the name
        Record best = null;
        int holders = 0;
        for (Partition p : partitions.values()) {
            final Record r = p.get(name, bucket);
            if (r != null) {
                holders++;
                if (best == null) {
                    best = r;
                } else {
                    if (owner == null) {
                        owner = ownerOf(name);
                    }
                    if (beats(r, best, owner)) {
                        best = r;
                    }
                }
            }
        }
        if (holders > 1) {
            if (conflicted.add(name)) {
                conflictsNew.add(name);
            }
        } else if (conflicted.remove(name)) {
            conflictAttempts.remove(name);
            if (best != null && best.ref.node().equals(self) && best.movable()) {
                moveOnIfMisplaced(best); // the survivor of a duplicate, held back from moving until now
            }
        }
        install(name, before, best, reasonIfGone);
    }

    /** Makes {@code best} (null: none) the record lookups see of {@code name} instead of {@code before}. */
    private void install(String name, Record before, Record best, StopReason reasonIfGone) {
        dropReplica(name, best, reasonIfGone);
        if (best == null) {
            if (before != null) {
                winners.remove(name);
                unindexGroups(before, null);
                fx.unregistered(name, before.ref, reasonIfGone);
            }
            return;
        }
        if (before == best) {
            return;
        }
        orphans.remove(name);
        winners.put(best);
        unindexGroups(before, best);
        indexGroups(best);
        if (before == null || !before.ref.equals(best.ref)) {
            if (before != null) {
                fx.unregistered(name, before.ref, reasonIfGone);
            }
            fx.registered(name, best.ref);
        }
    }

    /**
     * The newer placement generation wins (a move or a failover replaces the old record); between equal ones
     * (a partition's duplicates), the instance on the owner, else the one on the smaller node id. Same answer
     * on every node.
     */
    private static boolean beats(Record a, Record b, NodeId owner) {
        if (a.gen != b.gen) {
            return a.gen > b.gen;
        }
        final boolean aOwner = a.ref.node().equals(owner);
        final boolean bOwner = b.ref.node().equals(owner);
        if (aOwner != bOwner) {
            return aOwner;
        }
        return a.ref.node().compareTo(b.ref.node()) < 0;
    }

    private void indexGroups(Record r) {
        for (String g : r.groups) {
            groups.computeIfAbsent(g, k -> ConcurrentHashMap.newKeySet()).add(r.name);
        }
    }

    private void unindexGroups(Record before, Record after) {
        if (before == null) {
            return;
        }
        for (String g : before.groups) {
            if (after == null || !after.inGroup(g)) {
                final Set<String> names = groups.get(g);
                if (names != null) {
                    names.remove(before.name);
                    if (names.isEmpty()) {
                        groups.remove(g, names);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- our own records

    private Record putOwn(Record r) {
        own.appliedSeq = r.version;
        final Record old = own.put(r);
        if (old != null) {
            forgetOwnRef(old.ref);
        }
        ownById.put(r.ref.id(), r);
        outOps.add(new Op.Put(r));
        updateWinner(r.name, old, r, StopReason.MOVED);
        return r;
    }

    private Op.Remove removeOwn(Record r, StopReason reason) {
        final Record old = own.remove(r.name);
        forgetOwnRef(r.ref);
        final Op.Remove op = new Op.Remove(++own.appliedSeq, r.name, reason);
        outOps.add(op);
        updateWinner(r.name, old, null, reason);
        fireMonitors(r.ref, reason);
        return op;
    }

    /** Our record of the worker {@code ref}, or null (not ours, or not registered). */
    private Record ownRecord(WorkerRef ref) {
        final Record r = ownById.get(ref.id());
        return r != null && r.ref.equals(ref) ? r : null;
    }

    private void forgetOwnRef(WorkerRef ref) {
        if (ownRecord(ref) != null) {
            ownById.remove(ref.id());
        }
    }

    private long nextVersion() {
        return own.appliedSeq + 1;
    }

    // ---------------------------------------------------------------- registration (owner side)

    private boolean mayServe(NodeId from, long corr, String name) {
        if (!quorumFlag) {
            requestsOver.put(from, corr, name, null);
            send(from, new Msg.Reply(corr, Status.QUORUM_LOST, null, null, "this side of the cluster has "
                + liveByName.size() + " nodes, fewer than the quorum of " + settings.staticQuorumSize()));
            return false;
        }
        if (!self.equals(ownerOf(name)) || !readyFlag) {
            send(from, new Msg.Reply(corr, Status.RETRY, null, null, null));
            return false;
        }
        return true;
    }

    private void onRegisterReq(NodeId from, Msg.RegisterReq r) {
        if (!mayServe(from, r.corr(), r.name())) {
            return;
        }
        final Record existing = winners.get(r.name());
        if (existing != null) {
            final WorkerRef granted = grants.granted(from, r.corr(), r.name());
            final boolean again = existing.ref.equals(granted);
            if (!again) {
                requestsOver.put(from, r.corr(), r.name(), existing.ref);
            }
            send(from, new Msg.Reply(r.corr(), again ? Status.OK : Status.EXISTS, existing, null, null));
            return;
        }
        if (orphans.containsKey(r.name()) && !claims.containsKey(r.name())) {
            send(from, new Msg.Reply(r.corr(), Status.RETRY, null, null, null)); // its restart comes first
            return;
        }
        if (grants.granted(from, r.corr(), r.name()) != null || requestsOver.has(from, r.corr(), r.name())) {
            // A copy of a request answered for good, arriving after the name's holder ended (unregistered, stopped):
            // nothing is started for a request that was answered (a caller still waiting lost every answer).
            send(from, new Msg.Reply(r.corr(), Status.ENDED, null, null,
                "this request was answered already, and the worker it found or started has ended since"));
            return;
        }
        final Claim held = claims.get(r.name());
        if (held != null) {
            final Waiter w = new Waiter(from, r.corr(), r.orExisting());
            if (!held.waiters.contains(w)) { // a resend of a request that waits already
                held.waiters.add(w);
            }
            return;
        }
        final NodeId host = placementOf(r.name(), r.type());
        if (host == null) {
            requestsOver.put(from, r.corr(), r.name(), null);
            send(from, new Msg.Reply(r.corr(), Status.UNKNOWN_TYPE, null, null,
                "no node offers worker type '" + r.type() + "'"));
            return;
        }
        final Claim c = new Claim(++ids, r.name(), host, false, now() + settings.claimTimeoutMs());
        c.waiters.add(new Waiter(from, r.corr(), r.orExisting()));
        putClaim(c);
        send(host, new Msg.StartReq(c.id, r.name(), r.type(), r.args()));
    }

    private void onClaimReq(NodeId from, Msg.ClaimReq r) {
        if (!mayServe(from, r.corr(), r.name())) {
            return;
        }
        final Record existing = winners.get(r.name());
        if (existing != null) {
            requestsOver.put(from, r.corr(), r.name(), existing.ref);
            send(from, new Msg.Reply(r.corr(), Status.EXISTS, existing, null, null));
            return;
        }
        if (orphans.containsKey(r.name()) && !claims.containsKey(r.name())) {
            send(from, new Msg.Reply(r.corr(), Status.RETRY, null, null, null));
            return;
        }
        if (requestsOver.has(from, r.corr(), r.name())) {
            return; // a late copy of a request whose claim was given up or is in place: nobody waits for it
        }
        final Claim held = claims.get(r.name());
        if (held != null) {
            if (held.local && held.host.equals(from)) {
                send(from, new Msg.Reply(r.corr(), Status.GRANTED, null, null, null)); // a resend of ours
            } else {
                held.waiters.add(new Waiter(from, r.corr(), false));
            }
            return;
        }
        final Claim c = new Claim(++ids, r.name(), from, true, now() + settings.claimTimeoutMs());
        c.corr = r.corr();
        putClaim(c);
        send(from, new Msg.Reply(r.corr(), Status.GRANTED, null, null, null));
    }

    /**
     * Idempotent: the claim of that request goes if it is still here, and the claimant is told so either way. The
     * request is remembered as over, so a copy of it still on its way is not granted again.
     */
    private void onClaimAbort(NodeId from, Msg.ClaimAbort r) {
        requestsOver.put(from, r.corr(), r.name(), null);
        final Claim c = claims.get(r.name());
        if (c != null && c.local && c.host.equals(from) && c.corr == r.corr()) {
            claims.remove(r.name());
            claimEnded(r.name());
            answerWaiters(c, Status.RETRY, null, null);
        }
        send(from, new Msg.Reply(r.corr(), Status.OK, null, null, null));
    }

    private void onStartReply(NodeId from, Msg.StartReply r) {
        final Claim c = claims.get(r.name());
        if (c == null || c.id != r.claimId()) {
            onMoveStarted(from, r);
            return;
        }
        claims.remove(r.name());
        final Status status = r.status() == Status.ENDED ? Status.FAILED : r.status(); // to callers: it failed
        if (status == Status.OK) {
            applyEarly(r.record());
        } else if (c.orphan != null && (status == Status.FAILED || status == Status.UNKNOWN_TYPE)) {
            orphans.remove(r.name()); // its restart failed: the name is given up, as after a crash beyond its policy
        }
        claimEnded(r.name());
        answerWaiters(c, status, r.record(), r.error());
    }

    /** The first waiter started it; later ones find it registered (or get it, with orExisting). */
    private void answerWaiters(Claim c, Status status, Record record, String error) {
        boolean first = !c.local;
        for (int i = 0; i < c.waiters.size(); i++) { // indexed: an iterator per answer was 2 % of the owner's allocation
            final Waiter w = c.waiters.get(i);
            Status s = status;
            if (status == Status.OK && !first) {
                s = Status.EXISTS;
            } else if (status == Status.OK && record != null) {
                grants.put(w.origin, w.corr, c.name, record.ref); // its answer may be lost: see onRegisterReq
            }
            if (s != Status.RETRY && s != Status.OK) {
                requestsOver.put(w.origin, w.corr, c.name, record == null ? null : record.ref);
            }
            first = false;
            send(w.origin, new Msg.Reply(w.corr, s, record, null, error));
        }
    }

    // ---------------------------------------------------------------- starting workers (host side)

    private void onStartReq(NodeId from, Msg.StartReq r) {
        final Record mine = own.get(r.name());
        if (mine != null && (mine.gen >= r.gen() || !from.equals(self))) {
            // A resend; or another node moves its duplicate of a name we run (a partition healed): ours stays,
            // and the duplicate's handed-off state goes to ours as a conflict's loser's would.
            if (mine.gen < r.gen() && r.state() != null && !moves.containsKey(r.name())) {
                fx.resolveConflict(mine.ref, r.state(), mine.version);
            }
            send(from, new Msg.StartReply(r.claimId(), r.name(), mine, Status.OK, null));
            return;
        }
        // A first start is a new registration (generations count from 0 again), never one of ours asked again.
        final long[] gone = mine == null && r.reason() != StartReason.FIRST_START ? ended.get(r.name()) : null;
        if (gone != null && gone[0] >= r.gen()) {
            send(from, new Msg.StartReply(r.claimId(), r.name(), null, Status.ENDED,
                "'" + r.name() + "' started on " + self + " and ended at once (crashed or stopped)"));
            return;
        }
        if (!quorumFlag) {
            send(from, new Msg.StartReply(r.claimId(), r.name(), null, Status.QUORUM_LOST, "quorum lost"));
            return;
        }
        if (!localTypes.containsKey(r.type())) {
            send(from, new Msg.StartReply(r.claimId(), r.name(), null, Status.UNKNOWN_TYPE,
                self + " does not offer worker type '" + r.type() + "'"));
            return;
        }
        if (startingNames.containsKey(r.name())) {
            return; // already starting: its answer goes to the claim
        }
        byte[] state = r.state();
        StartReason reason = r.reason();
        if (reason == StartReason.RESTARTED && state == null) {
            // A failover: we were its successor, so we may hold its dead instance's last checkpoint.
            state = takeReplica(r.name(), r.gen() - 1);
            if (state != null) {
                reason = StartReason.FROM_CHECKPOINT;
            }
        }
        final long startId = ++ids;
        addStart(startId, new Start(from, r.claimId(), r.name(), r.type(), r.args(), null, r.gen(), r.groups(), state));
        fx.startWorker(startId, new StartOrder(r.name(), r.type(), r.args(), state, reason, nextVersion()));
    }

    private void addStart(long startId, Start s) {
        starts.put(startId, s);
        startingNames.merge(s.name, 1, Integer::sum);
    }

    private Start removeStart(long startId) {
        final Start s = starts.remove(startId);
        if (s != null) {
            startingNames.computeIfPresent(s.name, (k, n) -> n == 1 ? null : n - 1);
        }
        return s;
    }

    void onWorkerStarted(long startId, WorkerRef ref) {
        final Start s = removeStart(startId);
        if (s == null) {
            return;
        }
        final Record current = own.get(s.name);
        final boolean stillWanted = s.restarting == null ? current == null || current.gen < s.gen
            : current != null && current.ref.equals(s.restarting.ref);
        if (!stillWanted) {
            // Registered meanwhile by another start, or unregistered while restarting.
            fx.stopWorker(ref, s.restarting == null ? StopReason.CONFLICT_LOST : StopReason.UNREGISTERED, nextVersion());
            drain();
            return;
        }
        if (s.restarting == null && current != null) {
            // A newer placement of a name we hold (our own move onto ourselves, or a duplicate): it replaces ours.
            if (!moves.containsKey(s.name)) {
                fx.stopWorker(current.ref, StopReason.MOVED, nextVersion());
                fireMonitors(current.ref, StopReason.MOVED);
            }
        }
        stats.count(RegistryStats.Figure.WORKERS_STARTED);
        final String[] groupsKept = current == null ? s.groups : current.groups;
        final Record r = putOwn(new Record(s.name, ref, s.type, s.args, nextVersion(), groupsKept, s.gen));
        moveOnIfMisplaced(r); // its placement may have changed while it (re)started

        if (s.owner != null) {
            send(s.owner, new Msg.StartReply(s.claimId, s.name, r, Status.OK, null));
        }
        replicateStartState(r, s.state);
        drain();
    }

    /**
     * A worker started with a state (moved here with it, or restarted from a checkpoint): that state is its
     * latest checkpoint, and its successor gets it now. Until this node's next round (up to a checkpoint
     * interval away) no node would hold any, so a crash of this node would restart it from its start spec.
     * After the StartReply: a mover that is also the successor applies the new record first.
     */
    private void replicateStartState(Record r, byte[] state) {
        if (state == null || !r.movable()) {
            return;
        }
        sendCheckpoint(r, state);
    }

    void onWorkerStartFailed(long startId, boolean unknownType, String error) {
        final Start s = removeStart(startId);
        if (s == null) {
            return;
        }
        if (s.owner != null) {
            send(s.owner, new Msg.StartReply(s.claimId, s.name, null, unknownType ? Status.UNKNOWN_TYPE : Status.FAILED,
                error));
        } else if (s.restarting != null) {
            removeOwn(s.restarting, StopReason.CRASHED); // the restart failed too: give the name up
        }
        drain();
    }

    /** The instance of a granted registerLocal is hosted here now. */
    void onLocalHosted(long reqId, String name, WorkerRef ref) {
        final Record mine = own.get(name);
        if (mine != null && !mine.ref.equals(ref)) {
            // Two grants of one name to us (see onClaimAnswer) hosted at once: the first keeps it.
            fx.stopWorker(ref, StopReason.CONFLICT_LOST, nextVersion());
            fx.failed(reqId, new AlreadyRegisteredException(name, mine.ref));
            drain();
            return;
        }
        final Record r = putOwn(new Record(name, ref, null, null, nextVersion(), null));
        fx.completed(reqId, r.ref);
        drain();
    }

    /** Hosting a granted registerLocal failed: free the name at its owner (asked again until it answers). */
    void onLocalHostFailed(long reqId, String name, SwarmException error) {
        abortClaim(reqId, name);
        fx.failed(reqId, error);
        drain();
    }

    /** Our registerLocal {@code reqId} will not host {@code name}: its claim, if granted, goes at the owner. */
    private void abortClaim(long reqId, String name) {
        final Abort a = new Abort(reqId, name, now());
        aborts.put(reqId, a);
        askAbort(a, a.since);
    }

    /**
     * Asks again the owners of the aborts unanswered for a sync timeout (oldest first: each waits as long), until
     * the claim timeout: by then the owner's claim has ended by itself.
     */
    private void abortAgain(long now) {
        while (!abortsDue.isEmpty() && now >= abortsDue.headDue()) {
            final Abort a = abortsDue.poll();
            if (aborts.get(a.corr) != a) {
                continue; // answered
            }
            if (now - a.since < settings.claimTimeoutMs()) {
                askAbort(a, now);
            } else {
                aborts.remove(a.corr);
            }
        }
    }

    private void askAbort(Abort a, long now) {
        abortsDue.add(a, now + settings.syncTimeoutMs());
        send(ownerOf(a.name), new Msg.ClaimAbort(a.corr, a.name));
    }

    /** The host reports a worker that ended without an order: it stopped by itself or crashed. */
    void onWorkerEnded(String name, WorkerRef ref, StopReason reason) {
        final Record r = ownRecord(ref);
        if (r == null) {
            return; // removed already (unregistered, conflict, quorum)
        }
        final WorkerTypeInfo info = r.type == null ? null : localTypes.get(r.type);
        final boolean crashed = reason == StopReason.CRASHED;
        if (info != null && quorumFlag && (reason == StopReason.CRASHED || reason == StopReason.NORMAL)
            && info.restartPolicy().restarts(crashed) && withinIntensity(r.name, info)) {
            fireMonitors(ref, reason);
            forgetOwnRef(ref);
            final long startId = ++ids;
            addStart(startId, new Start(null, 0, r.name, r.type, r.args, r, r.gen, r.groups, null));
            stats.count(RegistryStats.Figure.RESTARTS);
            fx.startWorker(startId, new StartOrder(r.name, r.type, r.args, null, StartReason.RESTARTED, nextVersion()));
        } else {
            removeOwn(r, reason);
            ended(r);
        }
        drain();
    }

    /** Our instance {@code r} ended for good: a start of its generation asked again is answered ENDED a while. */
    private void ended(Record r) {
        final long now = now();
        ended.put(r.name, new long[] {r.gen, now});
        endedExpiry.add(r.name, now + ENDED_KEPT_MS + 1);
    }

    /** Forgets ended instances once no sender can still be asking to start them. */
    private void pruneEnded(long now) {
        while (!endedExpiry.isEmpty() && now >= endedExpiry.headDue()) {
            final String name = endedExpiry.poll();
            final long[] e = ended.get(name);
            if (e != null && now - e[1] > ENDED_KEPT_MS) {
                ended.remove(name);
            }
        }
    }

    private boolean withinIntensity(String name, WorkerTypeInfo info) {
        final long now = now();
        final ArrayDeque<Long> times = restarts.computeIfAbsent(name, k -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() > info.restartPolicy().window().toMillis()) {
            times.pollFirst();
        }
        if (times.size() >= info.restartPolicy().maxRestarts()) {
            restarts.remove(name);
            return false;
        }
        times.addLast(now);
        return true;
    }

    // ---------------------------------------------------------------- answers (caller side)

    private void onReply(Msg.Reply r) {
        final Pending q = pending.get(r.corr());
        if (q == null) {
            if (r.status() == Status.OK) {
                aborts.remove(r.corr()); // the owner has the abort of the claim granted to that request
            }
            return; // answered already, or timed out
        }
        if (r.status() == Status.RETRY) {
            retryLater(q);
            return;
        }
        pending.remove(q.id);
        switch (q.kind) {
            case REGISTER -> onRegisterAnswer(q, r);
            case CLAIM -> onClaimAnswer(q, r);
            case LOOKUP -> {
                if (r.record() != null) {
                    applyEarly(r.record());
                }
                fx.completed(q.id, Optional.ofNullable(r.record() == null ? null : r.record().ref));
            }
            case NAME -> onNameAnswer(q, r);
        }
    }

    private void onRegisterAnswer(Pending q, Msg.Reply r) {
        switch (r.status()) {
            case OK -> {
                applyEarly(r.record());
                fx.completed(q.id, r.record().ref);
            }
            case EXISTS -> {
                applyEarly(r.record());
                if (q.orExisting) {
                    fx.completed(q.id, r.record().ref);
                } else {
                    fx.failed(q.id, new AlreadyRegisteredException(q.name, r.record().ref));
                }
            }
            default -> fx.failed(q.id, error(q, r));
        }
    }

    private void onClaimAnswer(Pending q, Msg.Reply r) {
        switch (r.status()) {
            case GRANTED -> {
                final Record mine = own.get(q.name);
                if (mine != null) {
                    // The owner took this for a resend of an earlier grant to us, whose record it has not seen yet.
                    fx.failed(q.id, new AlreadyRegisteredException(q.name, mine.ref));
                } else {
                    fx.hostLocal(q.id, q.name, nextVersion());
                }
            }
            case EXISTS -> {
                applyEarly(r.record());
                fx.failed(q.id, new AlreadyRegisteredException(q.name, r.record().ref));
            }
            default -> fx.failed(q.id, error(q, r));
        }
    }

    private void onNameAnswer(Pending q, Msg.Reply r) {
        if (q.action == NameAction.HANDOFF) {
            if (r.status() == Status.OK && r.record() != null) {
                fx.completed(q.id, r.record().ref);
            } else if (r.status() == Status.FAILED && r.record() != null) {
                fx.failed(q.id, new SwarmException("'" + q.name + "' stays on " + r.record().ref.node() + ": "
                    + (r.record().movable() ? "its worker answered ignore to beginHandoff"
                    : "it was registered with registerLocal and never moves")));
            } else {
                fx.failed(q.id, error(q, r));
            }
            return;
        }
        if (r.status() != Status.OK) {
            fx.failed(q.id, error(q, r));
            return;
        }
        if (r.op() != null && r.record() != null) {
            applyEarly(r.record().ref.node(), r.op());
        }
        fx.completed(q.id, null);
    }

    private SwarmException error(Pending q, Msg.Reply r) {
        final String why = r.error() == null ? "" : ": " + r.error();
        return switch (r.status()) {
            case NOT_REGISTERED -> new NotRegisteredException("'" + q.name + "' is not registered" + why);
            case UNKNOWN_TYPE -> new UnknownWorkerTypeException("cannot register '" + q.name + "'" + why);
            case QUORUM_LOST -> new QuorumLostException("cannot register '" + q.name + "'" + why);
            case FAILED -> new WorkerFailedException("'" + q.name + "' failed to start" + why);
            case ENDED -> new SwarmException(describe(q) + why);
            default -> new NodeUnavailableException(describe(q) + " failed: " + r.status() + why);
        };
    }

    // ---------------------------------------------------------------- lookups, unregister, groups

    private void onLookupReq(NodeId from, Msg.LookupReq r) {
        final Record known = winners.get(r.name());
        if (known == null && (!self.equals(ownerOf(r.name())) || !readyFlag || claims.containsKey(r.name())
            || orphans.containsKey(r.name()))) {
            send(from, new Msg.Reply(r.corr(), Status.RETRY, null, null, null)); // the owner will know soon
            return;
        }
        send(from, new Msg.Reply(r.corr(), Status.OK, known, null, null));
    }

    private void onNameReq(NodeId from, Msg.NameReq r) {
        if (!self.equals(ownerOf(r.name())) || !readyFlag) {
            send(from, new Msg.Reply(r.corr(), Status.RETRY, null, null, null));
            return;
        }
        final Requester asker = new Requester(from, r.corr());
        final NameAnswer known = nameAnswers.get(asker);
        if (known != null && known.report != null) {
            final Msg.NameDone done = known.report;
            send(from, new Msg.Reply(r.corr(), done.status(), done.record(), done.op(), null)); // its answer was lost
            return;
        }
        final Record w = winners.get(r.name());
        // Asked again before the host reported: the same host, which may have done it already (its report lost).
        final NodeId host = known != null && partitions.containsKey(known.host) ? known.host : w == null ? null : w.ref.node();
        if (host == null) {
            final boolean coming = claims.containsKey(r.name()) || orphans.containsKey(r.name());
            if (!coming) {
                // Final, as a host's report: a copy of this request arriving after the name was registered again
                // must get this answer again, not unregister (or join, leave, move) the new worker.
                nameAnswers.put(asker, new NameAnswer(null, new Msg.NameDone(from, r.corr(), Status.NOT_REGISTERED,
                    null, null)));
            }
            send(from, new Msg.Reply(r.corr(), coming ? Status.RETRY : Status.NOT_REGISTERED, null, null, null));
            return;
        }
        nameAnswers.put(asker, new NameAnswer(host, null));
        send(host, new Msg.NameFwd(from, r.corr(), r.action(), r.name(), r.group()));
    }

    private void onNameFwd(NodeId owner, Msg.NameFwd r) {
        final NameAnswer known = nameAnswers.get(new Requester(r.origin(), r.corr()));
        if (known != null && known.report != null) {
            send(owner, known.report); // done already: the report was lost on its way to the owner
            return;
        }
        final Record mine = own.get(r.name());
        if (mine == null || moves.containsKey(r.name())) {
            report(owner, new Msg.NameDone(r.origin(), r.corr(), Status.RETRY, null, null)); // moved or going: ask again
            return;
        }
        switch (r.action()) {
            case HANDOFF -> handoffHere(owner, r, mine);
            case UNREGISTER -> {
                final Op.Remove op = removeOwn(mine, StopReason.UNREGISTERED);
                ended(mine); // a move's start asked again of it (its answer lost) ends the move, not a second instance
                fx.stopWorker(mine.ref, StopReason.UNREGISTERED, op.seq());
                report(owner, new Msg.NameDone(r.origin(), r.corr(), Status.OK, mine, op));
            }
            case JOIN -> {
                final Record next = putOwn(mine.withGroup(r.group(), nextVersion()));
                report(owner, new Msg.NameDone(r.origin(), r.corr(), Status.OK, next, new Op.Put(next)));
            }
            case LEAVE -> {
                final Record next = putOwn(mine.withoutGroup(r.group(), nextVersion()));
                report(owner, new Msg.NameDone(r.origin(), r.corr(), Status.OK, next, new Op.Put(next)));
            }
        }
    }

    /** Tells the owner how a forwarded request went, and keeps a final report for the request asked again. */
    private void report(NodeId owner, Msg.NameDone done) {
        keepAnswer(done);
        send(owner, done);
    }

    /** A final report is kept; after RETRY the request asked again is served anew (by the host the owner sees then). */
    private void keepAnswer(Msg.NameDone done) {
        final Requester asker = new Requester(done.origin(), done.corr());
        if (done.status() == Status.RETRY) {
            nameAnswers.remove(asker);
        } else {
            nameAnswers.put(asker, new NameAnswer(self, done));
        }
    }

    /**
     * A handoff request for our worker {@code mine}: done (OK) when it runs at its placement; refused
     * (FAILED) when it never moves or answered ignore to this very request; else its move begins now, ahead
     * of the queue, and the origin is told to ask again (RETRY) until the worker runs at its placement.
     */
    private void handoffHere(NodeId owner, Msg.NameFwd r, Record mine) {
        final NodeId target = mine.movable() ? placementOf(mine.name, mine.type) : null;
        final Requester requester = new Requester(r.origin(), r.corr());
        final Status status;
        if (!mine.movable() || requester.equals(ignoredHandoffs.get(mine.name))) {
            ignoredHandoffs.remove(mine.name);
            status = Status.FAILED;
        } else if (target == null || target.equals(self)) {
            status = Status.OK;
        } else {
            if (readyFlag && quorumFlag && !startingNames.containsKey(mine.name) && !conflicted.contains(mine.name)) {
                moveQueue.remove(mine.name);
                final Move m = new Move(++ids, mine, target);
                m.requester = requester;
                moves.put(mine.name, m);
                movesById.put(m.id, m);
                fx.beginHandoff(m.id, mine.ref, mine.version);
            }
            status = Status.RETRY; // (otherwise the next resend begins it, once our view is whole)
        }
        report(owner, new Msg.NameDone(r.origin(), r.corr(), status, mine, null));
    }

    private void onNameDone(Msg.NameDone r) {
        if (r.status() == Status.OK && r.op() != null) {
            applyEarly(r.record().ref.node(), r.op());
        }
        keepAnswer(r);
        send(r.origin(), new Msg.Reply(r.corr(), r.status(), r.record(), r.op(), null));
    }

    // ---------------------------------------------------------------- monitors

    private void askWatch(Watch w, long now) {
        watchesDue.add(w, now + settings.syncTimeoutMs());
        send(w.ref.node(), new Msg.MonitorReq(w.id, w.ref));
    }

    /** Asks again the hosts of the watches unanswered for a sync timeout (oldest first: each waits as long). */
    private void askWatchesAgain(long now) {
        while (!watchesDue.isEmpty() && now >= watchesDue.headDue()) {
            final Watch w = watchesDue.poll();
            if (watchesById.get(w.id) == w) { // else answered or cancelled
                askWatch(w, now);
            }
        }
    }

    private void completeWatch(Watch w, StopReason reason) {
        for (long id : w.reqs) {
            fx.completed(id, reason);
        }
    }

    /** Idempotent: a peer asking again replaces its watch; a worker that ended here is told why. */
    private void onMonitorReq(NodeId from, Msg.MonitorReq r) {
        if (ownRecord(r.ref()) != null) {
            final List<RemoteWatch> list = watchedHere.computeIfAbsent(r.ref(), k -> new ArrayList<>(1));
            list.removeIf(w -> w.origin.equals(from));
            list.add(new RemoteWatch(from, r.id()));
        } else {
            final StopReason reason = stoppedHere.get(r.ref());
            send(from, new Msg.MonitorFired(r.id(), reason == null ? StopReason.NO_SUCH_WORKER : reason));
        }
    }

    private void onMonitorFired(Msg.MonitorFired r) {
        final Watch w = watchesById.remove(r.id());
        if (w != null) {
            watches.remove(w.ref);
            completeWatch(w, r.reason());
        }
    }

    private void fireMonitors(WorkerRef ref, StopReason reason) {
        stoppedHere.put(ref, reason);
        final List<Long> local = localMonitors.remove(ref);
        if (local != null) {
            for (long id : local) {
                fx.completed(id, reason);
            }
        }
        final List<RemoteWatch> remote = watchedHere.remove(ref);
        if (remote != null) {
            for (RemoteWatch w : remote) {
                send(w.origin, new Msg.MonitorFired(w.id, reason));
            }
        }
    }

    // ---------------------------------------------------------------- conflicts after a partition heals

    /**
     * As the owner of each conflicted name, tells every holder but the winner to lose (again every conflict retry:
     * a ConflictLose may be lost): the names new since the last tick, those due again, all of them after a
     * topology change.
     */
    private void resolveConflicts(long now) {
        if (conflicted.isEmpty()) {
            conflictsAll = false;
            conflictsNew.clear();
            conflictAttempts.clear();
            while (!conflictsAgain.isEmpty()) {
                conflictsAgain.poll();
            }
            return;
        }
        if (!quorumFlag) {
            return; // the change that brings it back is a topology change: all of them then
        }
        if (conflictsAll) {
            conflictsAll = false;
            conflictsNew.clear();
            for (String name : List.copyOf(conflicted)) {
                resolveConflict(name, now);
            }
        }
        for (String name = conflictsNew.poll(); name != null; name = conflictsNew.poll()) {
            if (conflicted.contains(name)) {
                resolveConflict(name, now);
            }
        }
        while (!conflictsAgain.isEmpty() && now >= conflictsAgain.headDue()) {
            final long due = conflictsAgain.headDue();
            final String name = conflictsAgain.poll();
            final Long next = conflictAttempts.get(name);
            if (next != null && next == due && conflicted.contains(name)) {
                resolveConflict(name, now);
            }
        }
    }

    private void resolveConflict(String name, long now) {
        if (!self.equals(ownerOf(name))) {
            return;
        }
        final Long next = conflictAttempts.get(name);
        if (next != null && now < next) {
            return; // asked within the retry: due again then
        }
        final long due = now + settings.conflictRetryMs();
        conflictAttempts.put(name, due);
        conflictsAgain.add(name, due);
        final Record winner = winners.get(name);
        for (Partition p : partitions.values()) {
            final Record r = p.get(name);
            if (r != null && r != winner) {
                stats.count(RegistryStats.Figure.CONFLICTS);
                send(r.ref.node(), new Msg.ConflictLose(name, r.ref, winner.ref));
            }
        }
    }

    private void onConflictLose(Msg.ConflictLose r) {
        final Record mine = own.get(r.name());
        if (mine == null || !mine.ref.equals(r.loser()) || moves.containsKey(r.name())) {
            return; // gone, or moving: the move's newer generation replaces it
        }
        for (Conflict c : checkpoints.values()) {
            if (c.loser.equals(r.loser())) {
                return; // being resolved
            }
        }
        final long id = ++ids;
        checkpoints.put(id, new Conflict(r.name(), r.loser(), r.winner()));
        fx.takeCheckpoint(id, r.loser());
    }

    /** The loser's state is taken: hand it to the winner, then the loser goes. */
    void onCheckpoint(long id, byte[] state) {
        final Record taken = replicating.remove(id);
        if (taken != null) {
            beingTaken.remove(taken.ref);
            final Record mine = own.get(taken.name);
            if (state != null && mine != null && mine.ref.equals(taken.ref)) {
                sendCheckpoint(mine, state);
            }
            if (checkpointAgain.remove(taken.ref)) {
                checkpointRequested(taken.ref);
            }
            drain();
            return;
        }
        final Conflict c = checkpoints.remove(id);
        if (c == null) {
            return;
        }
        final Record mine = own.get(c.name);
        if (mine != null && mine.ref.equals(c.loser)) {
            send(c.winner.node(), new Msg.ConflictState(c.name, c.winner, state));
            final Op.Remove op = removeOwn(mine, StopReason.CONFLICT_LOST);
            fx.stopWorker(mine.ref, StopReason.CONFLICT_LOST, op.seq());
        }
        drain();
    }

    private void onConflictState(Msg.ConflictState r) {
        final Record mine = own.get(r.name());
        if (mine != null && mine.ref.equals(r.winner())) {
            fx.resolveConflict(r.winner(), r.state(), mine.version);
        }
    }
}
