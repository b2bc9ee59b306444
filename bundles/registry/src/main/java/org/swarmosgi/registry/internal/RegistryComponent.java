package org.swarmosgi.registry.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.swarmosgi.api.Codec;
import org.swarmosgi.api.Member;
import org.swarmosgi.api.MulticallResult;
import org.swarmosgi.api.NameListener;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.NodeProfile;
import org.swarmosgi.api.NodeUnavailableException;
import org.swarmosgi.api.NotRegisteredException;
import org.swarmosgi.api.Rebalance;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.SwarmTimeoutException;
import org.swarmosgi.api.TopologyListener;
import org.swarmosgi.api.UnknownWorkerTypeException;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerFailedException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.host.HostDriver;
import org.swarmosgi.api.host.StaleOrderException;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerHost;
import org.swarmosgi.api.host.WorkerTypeInfo;
import org.swarmosgi.api.membership.DownReason;
import org.swarmosgi.api.membership.Membership;
import org.swarmosgi.api.membership.MembershipListener;
import org.swarmosgi.api.node.LocalNode;
import org.swarmosgi.api.transport.InboundMessage;
import org.swarmosgi.api.transport.Topics;
import org.swarmosgi.api.transport.Transport;
import org.swarmosgi.api.transport.TransportException;
import org.swarmosgi.api.metrics.Metric;
import org.swarmosgi.api.metrics.MetricSource;

/**
 * The {@link SwarmRegistry} service of a node: {@link RegistryCore} on its own thread, fed by
 * membership, the transport and the worker host; the data plane (messages to workers) beside it,
 * straight from the caller's thread to the transport or the local host, never through the registry
 * thread.
 *
 * <p>Threads: {@code swarm-registry-<node>} (the state machine), {@code -send} (encodes and sends its
 * messages, so a slow peer never stalls it) and {@code -callback} (completes API stages, so user code
 * never runs on the others). Messages from peers to workers are checked and queued on the host's
 * {@link WorkerHost#deliveries() deliveries} lane, which runs on the threads that run the workers: one
 * thread hand-off between the transport and the worker.
 */
@Component(service = {SwarmRegistry.class, MetricSource.class}, immediate = true, configurationPid = RegistryComponent.PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = RegistryConfig.class)
public final class RegistryComponent implements SwarmRegistry, MetricSource {
    public static final String PID = "org.swarmosgi.registry";
    /** Registry protocol between nodes. */
    static final int TOPIC_CONTROL = Topics.REGISTRY_BASE;
    /** Messages to workers. */
    static final int TOPIC_DATA = Topics.REGISTRY_BASE + 1;

    private static final System.Logger LOG = System.getLogger(RegistryComponent.class.getName());
    /** Most bytes of messages batched into one transport message (a larger message goes alone). */
    static final int MAX_BATCH_BYTES = 1 << 20;
    /** How long messages to a moved worker's old ref are still passed on to its new instance. */
    static final long FOLLOW_MOVED_MS = 30_000;

    private final NodeId self;
    private final Transport transport;
    private final Membership membership;
    private final WorkerHost host;
    private final RegistryCore core;
    private final RegistryLoop loop;
    private final ExecutorService sender;
    private final ExecutorService callbacks;
    private final Map<NodeId, Member> members = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Object>> calls = new ConcurrentHashMap<>();
    private final Map<Long, LocalInstance<?, ?>> localInstances = new ConcurrentHashMap<>();
    private final List<TopologyListener> topologyListeners = new CopyOnWriteArrayList<>();
    private final List<NameListener> nameListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private volatile List<Member> nodes;
    private final HeldMessages held = new HeldMessages(this::forward);
    private final long drainTimeoutMs;

    private record LocalInstance<M, R>(Worker<M, R> worker, Codec<M> codec, Codec<R> replyCodec) {
    }

    @Activate
    public RegistryComponent(@Reference LocalNode node, @Reference Transport transport, @Reference Membership membership,
                             @Reference WorkerHost host, RegistryConfig config) {
        if (config.drain_timeout_ms() < 0 || config.drain_timeout_ms() > 600_000) {
            throw new IllegalArgumentException(PID + ": drain.timeout.ms must be 0..600000, was " + config.drain_timeout_ms());
        }
        this.drainTimeoutMs = config.drain_timeout_ms();
        this.self = node.id();
        this.transport = transport;
        this.membership = membership;
        this.host = host;
        final String name = "swarm-registry-" + self.name();
        this.loop = new RegistryLoop(name);
        this.sender = Executors.newSingleThreadExecutor(named(name + "-send"));
        this.callbacks = Executors.newSingleThreadExecutor(named(name + "-callback"));
        this.nodes = List.of(membership.self());
        this.core = new RegistryCore(self, node.roles(), settings(config), new NodeEffects(), System::currentTimeMillis);

        members.put(self, membership.self());
        loop.start(core, this::afterBatch);
        subscriptions.add(transport.handle(TOPIC_CONTROL, loop, this::onControl));
        subscriptions.add(transport.handle(TOPIC_DATA, host.deliveries(), this::onData));
        subscriptions.add(host.attach(new Driver()));
        subscriptions.add(membership.subscribe(new Listener()));
        LOG.log(System.Logger.Level.INFO, "{0}: registry running", self);
    }

    static RegistrySettings settings(RegistryConfig c) {
        try {
            return new RegistrySettings(c.virtual_nodes(), c.static_quorum_size(), c.retry_delay_ms(), c.sync_timeout_ms(),
                c.announce_interval_ms(), c.claim_timeout_ms(), c.conflict_retry_ms(), c.sync_batch_records(),
                c.handoff_max_inflight(), c.checkpoint_copies());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PID + ": " + e.getMessage(), e);
        }
    }

    @Deactivate
    void deactivate() {
        if (drainTimeoutMs > 0) {
            try {
                final long start = System.nanoTime();
                drain(Duration.ofMillis(drainTimeoutMs)).toCompletableFuture().join();
                LOG.log(System.Logger.Level.INFO, "{0}: drained: every worker that could move was handed off in {1} ms",
                    self, (System.nanoTime() - start) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: stopping without every worker handed off: {1}", self,
                    unwrap(e).getMessage());
            }
        }
        stopOwnWorkers();
        for (int i = subscriptions.size() - 1; i >= 0; i--) {
            try {
                subscriptions.get(i).close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a subscription failed", e);
            }
        }
        loop.close();
        sender.shutdownNow();
        final SwarmException stopped = new NodeUnavailableException("the registry of " + self + " stopped");
        calls.values().forEach(f -> f.completeExceptionally(stopped));
        calls.clear();
        callbacks.shutdown();
    }

    /**
     * The workers this registry started or hosted stop with it: nobody would find them any more (their
     * records go with this registry, and peers drop this node's records when it leaves), and a registry
     * that starts again begins empty.
     */
    private void stopOwnWorkers() {
        final CompletableFuture<List<CompletableFuture<Void>>> stops = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                final List<CompletableFuture<Void>> each = new ArrayList<>();
                for (Record r : core.ownRecords()) {
                    each.add(host.stop(r.ref, StopReason.SHUTDOWN, r.version).toCompletableFuture());
                }
                stops.complete(each);
            });
            CompletableFuture.allOf(stops.get(10, TimeUnit.SECONDS).toArray(new CompletableFuture<?>[0]))
                .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: not every worker stopped with the registry: {1}", self, e);
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ================================================================ inputs

    private void onControl(InboundMessage m) {
        if (MsgCodec.startsWithSyncReply(m.payload())) {
            // A part of a sync answer (up to sync.batch.records records: 70-400 ms to decode and apply) goes behind
            // what was queued after it, once: a joiner takes the StartReqs its hosts sent behind their answers
            // first (a move needs its quorum and types, not its replica: RebalanceTest), and the part waits for
            // at most one pass of the inbox, well within the sync timeout.
            loop.execute(() -> receive(m));
            return;
        }
        receive(m);
    }

    private void receive(InboundMessage m) {
        final List<Msg> messages;
        try {
            messages = MsgCodec.decodeAll(m.payload());
        } catch (IllegalArgumentException e) {
            malformed.increment();
            LOG.log(System.Logger.Level.WARNING, "{0}: a malformed registry message from {1}: {2}", self,
                m.sender().id(), e.getMessage());
            return;
        }
        for (Msg msg : messages) {
            core.onMessage(m.sender().id(), msg);
        }
    }

    /** To a worker on this node, or, while it moves (or shortly after it moved), after it. */
    private void deliverHere(WorkerRef ref, Envelope e) {
        if (held.offer(ref, e)) {
            return;
        }
        try {
            host.deliver(ref, e);
        } catch (org.swarmosgi.api.NoSuchWorkerException gone) {
            if (!held.offer(ref, e)) { // its move began between the look and the delivery
                throw gone;
            }
        }
    }

    /** Passes a held message on to the moved worker's new instance, its reply back to the sender. */
    private void forward(WorkerRef to, Envelope e) {
        if (to.node().equals(self)) {
            try {
                host.deliver(to, e);
            } catch (RuntimeException error) {
                e.fail(error);
            }
            return;
        }
        final Member peer = members.get(to.node());
        if (peer == null) {
            e.fail(new NodeUnavailableException("the node " + to.node() + " the worker moved to is gone"));
            return;
        }
        final ByteBuffer request = WorkerWire.request(e.isCall() ? WorkerWire.CALL : WorkerWire.CAST,
            to.node().incarnation(), to.id(), e.payload());
        try {
            transport.request(peer, TOPIC_DATA, request, DEFAULT_TIMEOUT).whenComplete((answer, error) -> {
                if (error != null) {
                    final Throwable cause = unwrap(error);
                    e.fail(cause instanceof TransportException te ? unavailable(to, te)
                        : cause instanceof RuntimeException re ? re : new CompletionException(cause));
                    return;
                }
                try {
                    final byte[] reply = WorkerWire.replyOf(answer);
                    if (e.isCall()) {
                        e.reply(reply);
                    }
                } catch (RuntimeException failed) {
                    e.fail(failed);
                }
            });
        } catch (TransportException te) {
            e.fail(unavailable(to, te));
        }
    }

    // ================================================================ outputs, batched per loop turn

    /** Messages the state machine sent during this turn of the loop, per peer, in order. Registry thread. */
    private Map<NodeId, List<Msg>> outbox = new java.util.LinkedHashMap<>();
    /** Outcomes of API calls decided during this turn. Registry thread. */
    private List<Runnable> outcomes = new ArrayList<>();
    /**
     * The longest list of last turn's outbox: the next turn's lists start that long (they go to another
     * thread, so they are new each turn; grown from 10 each time they cost a copy per doubling).
     */
    private int lastTurnLongest = 10;

    /**
     * After each turn of the loop: the turn's messages go to the sender as one task, and every peer's as
     * one transport message (one MAC, one hand-off on either side instead of one per message); a message
     * to several peers (operations, announcements) is encoded once. The turn's outcomes go to the
     * callback thread as one task.
     */
    private void afterBatch() {
        if (!outbox.isEmpty()) {
            final Map<NodeId, List<Msg>> turn = outbox;
            outbox = new java.util.LinkedHashMap<>();
            int longest = 10;
            for (List<Msg> l : turn.values()) {
                longest = Math.max(longest, l.size());
            }
            lastTurnLongest = longest;
            sender.execute(() -> {
                final Map<Msg, byte[]> shared = turn.size() > 1 ? new java.util.IdentityHashMap<>() : null;
                for (Map.Entry<NodeId, List<Msg>> e : turn.entrySet()) {
                    transmit(e.getKey(), e.getValue(), shared);
                }
            });
        }
        if (!outcomes.isEmpty()) {
            final List<Runnable> done = outcomes;
            outcomes = new ArrayList<>(Math.max(10, done.size()));
            callbacks.execute(() -> {
                for (Runnable r : done) {
                    r.run();
                }
            });
        }
    }

    /** Sender thread: the frame it encodes into, reused. */
    private final MsgCodec.Frames frames = new MsgCodec.Frames();

    /**
     * Sender thread: encodes and sends a peer's messages; {@code shared} (or null) keeps the encodings of
     * messages that go to every peer (operations, announcements) for the other peers.
     */
    private void transmit(NodeId to, List<Msg> messages, Map<Msg, byte[]> shared) {
        final Member peer = members.get(to);
        if (peer == null) {
            return;
        }
        try {
            // Batches stay within one frame: a payload above maxInlinePayload travels in chunks and may be
            // delivered after messages sent later, and the registry's messages to a peer must keep their order.
            final int limit = Math.min(MAX_BATCH_BYTES, transport.maxInlinePayload());
            frames.clear();
            for (Msg m : messages) {
                try {
                    final byte[] done = shared == null ? null : shared.get(m);
                    if (done != null) {
                        frames.add(done);
                    } else {
                        frames.add(m);
                        if (shared != null && (m instanceof Msg.Ops || m instanceof Msg.SeqAnnounce)) {
                            shared.put(m, frames.lastBytes());
                        }
                    }
                } catch (IllegalArgumentException e) {
                    sendFailures.increment(); // cannot be encoded: the rest still goes
                    LOG.log(System.Logger.Level.WARNING, "{0}: a registry message to {1} cannot be encoded: {2}", self, to,
                        e.getMessage());
                    continue;
                }
                if (frames.size() > limit && frames.count() > 1) {
                    final byte[] next = frames.removeLast();
                    transport.send(peer, TOPIC_CONTROL, frames.payload());
                    frames.clear();
                    frames.add(next);
                }
            }
            if (frames.count() > 0) {
                transport.send(peer, TOPIC_CONTROL, frames.payload());
            }
        } catch (TransportException | IllegalArgumentException e) {
            sendFailures.increment(); // resends and anti-entropy repair it
            LOG.log(System.Logger.Level.DEBUG, "{0}: could not send to {1}: {2}", self, to, e.getMessage());
        }
    }

    private void outcome(Runnable r) {
        if (loop.onLoop()) {
            outcomes.add(r);
        } else {
            callbacks.execute(r);
        }
    }

    private void onData(InboundMessage m) {
        final ByteBuffer b = m.payload();
        if (b.remaining() < WorkerWire.HEADER) {
            malformed.increment();
            if (m.isRequest()) {
                m.fail("malformed worker message");
            }
            return;
        }
        final byte kind = b.get();
        final long incarnation = b.getLong();
        final long id = b.getLong();
        final byte[] payload = new byte[b.remaining()];
        b.get(payload);
        try {
            if (incarnation != self.incarnation()) {
                throw new org.swarmosgi.api.NoSuchWorkerException("no worker " + id + " on " + self
                    + ": the ref names an earlier run of this node");
            }
            deliverHere(new WorkerRef(self, id), new RemoteEnvelope(m, payload, kind == WorkerWire.CALL));
            if (kind != WorkerWire.CALL && m.isRequest()) {
                m.reply(WorkerWire.answer(WorkerWire.OK, new byte[0]));
            }
        } catch (RuntimeException e) {
            if (m.isRequest()) {
                m.reply(WorkerWire.error(e));
            }
        }
    }

    private final class Listener implements MembershipListener {
        @Override
        public void memberUp(Member member) {
            // On the loop, in event order with downs: a down queued before this up must not remove it afterwards
            // (a false down and the same incarnation back at once left the peer out of the ring for good).
            loop.execute(() -> {
                members.put(member.id(), member);
                core.nodeUp(member.id());
                refreshNodes();
                for (TopologyListener l : topologyListeners) {
                    safely(() -> l.nodeUp(member));
                }
            });
        }

        @Override
        public void memberDown(Member member, DownReason reason) {
            loop.execute(() -> {
                core.nodeDown(member.id());
                members.remove(member.id());
                refreshNodes();
                for (TopologyListener l : topologyListeners) {
                    safely(() -> l.nodeDown(member));
                }
            });
        }
    }

    private void refreshNodes() {
        final List<Member> live = new ArrayList<>();
        for (NodeId id : core.liveNodes()) {
            final Member m = members.get(id);
            if (m != null) {
                live.add(m);
            }
        }
        live.sort(null);
        nodes = List.copyOf(live);
    }

    private final class Driver implements HostDriver {
        @Override
        public SwarmRegistry registry() {
            return RegistryComponent.this;
        }

        @Override
        public void workerEnded(String name, WorkerRef worker, StopReason reason, Throwable cause) {
            loop.execute(() -> core.onWorkerEnded(name, worker, reason));
        }

        @Override
        public void workerTypesChanged(Map<String, WorkerTypeInfo> types) {
            loop.execute(() -> core.localTypes(types));
        }

        @Override
        public void checkpointRequested(WorkerRef worker) {
            loop.execute(() -> core.checkpointRequested(worker));
        }
    }

    /** What the state machine asks of this node. Runs on the registry thread: hands everything slow on. */
    private final class NodeEffects implements Effects {
        @Override
        public void send(NodeId to, Msg message) {
            if (loop.onLoop()) {
                outbox.computeIfAbsent(to, k -> new ArrayList<>(lastTurnLongest)).add(message);
            } else {
                sender.execute(() -> transmit(to, List.of(message), null));
            }
        }

        @Override
        public void startWorker(long startId, StartOrder order) {
            host.start(order).whenComplete((ref, error) -> loop.execute(() -> {
                if (error == null) {
                    core.onWorkerStarted(startId, ref);
                } else {
                    final Throwable cause = unwrap(error);
                    core.onWorkerStartFailed(startId, cause instanceof UnknownWorkerTypeException, String.valueOf(cause.getMessage()));
                }
            }));
        }

        @Override
        public void hostLocal(long reqId, String name, long version) {
            final LocalInstance<?, ?> instance = localInstances.remove(reqId);
            if (instance == null) {
                core.onLocalHostFailed(reqId, name, new NodeUnavailableException("the registration was given up"));
                return;
            }
            try {
                core.onLocalHosted(reqId, name, hostInstance(name, instance, version));
            } catch (RuntimeException e) {
                core.onLocalHostFailed(reqId, name, new WorkerFailedException("cannot host '" + name + "': " + e.getMessage(), e));
            }
        }

        private <M, R> WorkerRef hostInstance(String name, LocalInstance<M, R> i, long version) {
            return host.host(name, i.worker(), i.codec(), i.replyCodec(), version);
        }

        @Override
        public void stopWorker(WorkerRef ref, StopReason reason, long version) {
            host.stop(ref, reason, version).whenComplete((v, error) -> {
                if (error != null && !(unwrap(error) instanceof StaleOrderException)) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: stopping {1} failed: {2}", self, ref, unwrap(error).getMessage());
                }
            });
        }

        @Override
        public void beginHandoff(long id, WorkerRef ref, long version) {
            held.hold(ref);
            host.beginHandoff(ref, version).whenComplete((handoff, error) -> {
                if (error != null) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: beginHandoff of {1} failed, it restarts: {2}", self, ref,
                        unwrap(error).getMessage());
                    loop.execute(() -> core.onHandoff(id, HandoffDecision.Kind.RESTART, null));
                    return;
                }
                held.pending(ref, handoff.pending());
                loop.execute(() -> core.onHandoff(id, handoff.decision().kind(), handoff.decision().state()));
            });
        }

        @Override
        public void handoffEnded(WorkerRef from, WorkerRef to) {
            held.end(from, to);
            if (to != null && !to.equals(from)) {
                // Senders whose replica has not seen the move yet still reach it through here for a while.
                CompletableFuture.delayedExecutor(FOLLOW_MOVED_MS, TimeUnit.MILLISECONDS).execute(() -> held.forget(from));
            }
        }

        @Override
        public void takeCheckpoint(long id, WorkerRef ref) {
            host.checkpoint(ref).whenComplete((state, error) -> loop.execute(() -> core.onCheckpoint(id, error == null ? state : null)));
        }

        @Override
        public void resolveConflict(WorkerRef winner, byte[] loserState, long version) {
            host.resolveConflict(winner, loserState, version);
        }

        @Override
        public void completed(long reqId, Object result) {
            finish(reqId, f -> f.complete(result));
        }

        @Override
        public void failed(long reqId, SwarmException error) {
            finish(reqId, f -> f.completeExceptionally(error));
        }

        /** Completes an API stage on the callback thread (batched per loop turn), never on the registry's. */
        private void finish(long reqId, java.util.function.Consumer<CompletableFuture<Object>> complete) {
            if (!localInstances.isEmpty()) { // registerLocal's instances only: no boxed key per ordinary answer
                localInstances.remove(reqId);
            }
            final CompletableFuture<Object> f = calls.remove(reqId);
            if (f != null) {
                outcome(() -> complete.accept(f));
            }
        }

        @Override
        public void registered(String name, WorkerRef ref) {
            for (NameListener l : nameListeners) {
                safely(() -> l.registered(name, ref));
            }
        }

        @Override
        public void unregistered(String name, WorkerRef ref, StopReason reason) {
            for (NameListener l : nameListeners) {
                safely(() -> l.unregistered(name, ref, reason));
            }
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a registry listener threw", e);
        }
    }

    static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ================================================================ API: registration and lookups

    /** Runs {@code call} with a fresh request id on the registry thread; the stage completes on the callback thread. */
    private <T> CompletableFuture<T> submit(java.util.function.LongConsumer call) {
        return submit(call, null);
    }

    /** As {@link #submit(java.util.function.LongConsumer)}; a caller's cancel of the stage runs {@code onCancel}. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> submit(java.util.function.LongConsumer call, java.util.function.LongConsumer onCancel) {
        final long id = requestIds.incrementAndGet();
        final CompletableFuture<Object> f = new CompletableFuture<>();
        calls.put(id, f);
        loop.execute(() -> call.accept(id));
        if (onCancel != null) {
            f.whenComplete((v, e) -> {
                if (f.isCancelled() && calls.remove(id) != null) {
                    loop.execute(() -> onCancel.accept(id));
                }
            });
        }
        return (CompletableFuture<T>) (CompletableFuture<?>) f;
    }

    @Override
    public CompletionStage<WorkerRef> register(String name, String workerType, byte[] args, Duration timeout) {
        return register(name, workerType, args, timeout, false);
    }

    @Override
    public CompletionStage<WorkerRef> whereisOrRegister(String name, String workerType, byte[] args, Duration timeout) {
        return register(name, workerType, args, timeout, true);
    }

    private CompletionStage<WorkerRef> register(String name, String workerType, byte[] args, Duration timeout,
                                                boolean orExisting) {
        checkName("name", name);
        checkName("workerType", workerType);
        final byte[] a = args == null ? new byte[0] : args.clone();
        final long ms = millis(timeout);
        return submit(id -> core.register(id, name, workerType, a, ms, orExisting));
    }

    @Override
    public <M, R> CompletionStage<WorkerRef> registerLocal(String name, Worker<M, R> worker, Codec<M> codec,
                                                           Codec<R> replyCodec) {
        checkName("name", name);
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(replyCodec, "replyCodec");
        final long id = requestIds.incrementAndGet();
        final CompletableFuture<Object> f = new CompletableFuture<>();
        calls.put(id, f);
        localInstances.put(id, new LocalInstance<>(worker, codec, replyCodec));
        final long ms = DEFAULT_TIMEOUT.toMillis();
        loop.execute(() -> core.registerLocal(id, name, ms));
        @SuppressWarnings("unchecked")
        final CompletionStage<WorkerRef> stage = (CompletionStage<WorkerRef>) (CompletionStage<?>) f;
        return stage;
    }

    @Override
    public CompletionStage<Void> drain(Duration timeout) {
        final long ms = millis(timeout);
        final CompletableFuture<Void> drained = submit(core::leave);
        return drained.orTimeout(ms, TimeUnit.MILLISECONDS).exceptionally(e -> {
            throw unwrap(e) instanceof TimeoutException
                ? new SwarmTimeoutException("the workers of " + self + " were not all handed off within " + ms + " ms")
                : e instanceof CompletionException ce ? ce : new CompletionException(e);
        });
    }

    @Override
    public CompletionStage<WorkerRef> handoff(String name, Duration timeout) {
        checkName("name", name);
        final long ms = millis(timeout);
        return submit(id -> core.handoff(id, name, ms));
    }

    @Override
    public CompletionStage<Rebalance> rebalance() {
        return submit(core::rebalanceNow);
    }

    @Override
    public CompletionStage<Void> unregister(String name, Duration timeout) {
        checkName("name", name);
        final long ms = millis(timeout);
        return submit(id -> core.unregister(id, name, ms));
    }

    @Override
    public Optional<WorkerRef> whereis(String name) {
        checkName("name", name);
        return core.whereis(name);
    }

    @Override
    public CompletionStage<Optional<WorkerRef>> lookup(String name, Duration timeout) {
        checkName("name", name);
        final Optional<WorkerRef> here = core.whereis(name);
        if (here.isPresent()) {
            return CompletableFuture.completedFuture(here);
        }
        final long ms = millis(timeout);
        return submit(id -> core.lookup(id, name, ms));
    }

    @Override
    public Map<String, WorkerRef> registered() {
        return core.registered();
    }

    // ================================================================ API: groups

    @Override
    public CompletionStage<Void> join(String group, String name) {
        checkName("group", group);
        checkName("name", name);
        final long ms = DEFAULT_TIMEOUT.toMillis();
        return submit(id -> core.join(id, group, name, ms));
    }

    @Override
    public CompletionStage<Void> leave(String group, String name) {
        checkName("group", group);
        checkName("name", name);
        final long ms = DEFAULT_TIMEOUT.toMillis();
        return submit(id -> core.leave(id, group, name, ms));
    }

    @Override
    public List<WorkerRef> members(String group) {
        checkName("group", group);
        return core.members(group);
    }

    @Override
    public Set<String> groups() {
        return core.groupNames();
    }

    @Override
    public <M> void publish(String group, M message, Codec<M> codec) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        for (WorkerRef ref : members(group)) {
            deliver(ref, message, codec, null, false, DEFAULT_TIMEOUT); // best effort: outcomes are not awaited
        }
    }

    @Override
    public <M, R> CompletionStage<MulticallResult<R>> multicall(String group, M message, Codec<M> codec,
                                                                Codec<R> replyCodec, Duration timeout) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(replyCodec, "replyCodec");
        final Duration t = timeout(timeout);
        final List<WorkerRef> refs = members(group);
        final List<CompletableFuture<R>> all = new ArrayList<>(refs.size());
        for (WorkerRef ref : refs) {
            all.add(deliver(ref, message, codec, replyCodec, true, t));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).handle((v, e) -> {
            final List<R> replies = new ArrayList<>(all.size());
            int failures = 0;
            int timeouts = 0;
            for (CompletableFuture<R> f : all) {
                try {
                    replies.add(f.join());
                } catch (CompletionException ex) {
                    if (unwrap(ex) instanceof SwarmTimeoutException) {
                        timeouts++;
                    } else {
                        failures++;
                    }
                }
            }
            return new MulticallResult<>(replies, failures, timeouts);
        });
    }

    // ================================================================ API: messaging (data plane)

    @Override
    public <M> CompletionStage<Void> send(String name, M message, Codec<M> codec) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        return resolve(name, DEFAULT_TIMEOUT).thenCompose(ref -> this.<M, Void>deliver(ref, message, codec, null, false,
            DEFAULT_TIMEOUT));
    }

    @Override
    public <M> CompletionStage<Void> send(WorkerRef worker, M message, Codec<M> codec) {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        return deliver(worker, message, codec, null, false, DEFAULT_TIMEOUT);
    }

    @Override
    public <M, R> CompletionStage<R> call(String name, M message, Codec<M> codec, Codec<R> replyCodec, Duration timeout) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(replyCodec, "replyCodec");
        final Duration t = timeout(timeout);
        checkName("name", name);
        final Optional<WorkerRef> here = core.whereis(name);
        if (here.isPresent()) {
            return deliver(here.get(), message, codec, replyCodec, true, t); // no dependent stage in between
        }
        return resolve(name, t).thenCompose(ref -> deliver(ref, message, codec, replyCodec, true, t));
    }

    @Override
    public <M, R> CompletionStage<R> call(WorkerRef worker, M message, Codec<M> codec, Codec<R> replyCodec, Duration timeout) {
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(replyCodec, "replyCodec");
        return deliver(worker, message, codec, replyCodec, true, timeout(timeout));
    }

    /** The worker of a name: from the replica, else from the name's owner. */
    private CompletableFuture<WorkerRef> resolve(String name, Duration timeout) {
        checkName("name", name);
        final Optional<WorkerRef> here = core.whereis(name);
        if (here.isPresent()) {
            return CompletableFuture.completedFuture(here.get());
        }
        return lookup(name, timeout).toCompletableFuture().thenApply(found -> found.orElseThrow(
            () -> new NotRegisteredException("'" + name + "' is not registered")));
    }

    private <M, R> CompletableFuture<R> deliver(WorkerRef ref, M message, Codec<M> codec, Codec<R> replyCodec, boolean call,
                                                Duration timeout) {
        if (ref.node().equals(self)) {
            final CompletableFuture<R> result = new CompletableFuture<>();
            try {
                deliverHere(ref, new LocalEnvelope<>(message, codec, replyCodec, result, call));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (!call) {
                return CompletableFuture.completedFuture(null);
            }
            // Replies complete on the worker's thread: user code chained on the stage runs elsewhere.
            return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((r, e) -> {
                    if (e == null) {
                        return r;
                    }
                    final Throwable cause = unwrap(e);
                    throw cause instanceof TimeoutException
                        ? new SwarmTimeoutException("no reply from " + ref + " within " + timeout.toMillis() + " ms")
                        : cause instanceof RuntimeException re ? re : new CompletionException(cause);
                }, callbacks);
        }
        final Member peer = members.get(ref.node());
        if (peer == null) {
            return CompletableFuture.failedFuture(new NodeUnavailableException("the node of " + ref
                + " is not a member of the cluster (it stopped, or this node does not see it)"));
        }
        final ByteBuffer request = WorkerWire.request(call ? WorkerWire.CALL : WorkerWire.CAST, ref.node().incarnation(),
            ref.id(), codec.encode(message));
        final CompletionStage<ByteBuffer> answer;
        try {
            answer = transport.request(peer, TOPIC_DATA, request, timeout);
        } catch (TransportException e) {
            return CompletableFuture.failedFuture(unavailable(ref, e));
        }
        return new JoinThrough<ByteBuffer, R>(answer.toCompletableFuture(), (bytes, e) -> {
            if (e != null) {
                final Throwable cause = unwrap(e);
                if (cause instanceof TransportException te) {
                    throw unavailable(ref, te);
                }
                throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
            }
            final byte[] reply = WorkerWire.replyOf(bytes);
            if (replyCodec == null) {
                return null;
            }
            try {
                return replyCodec.decode(reply);
            } catch (IllegalArgumentException bad) {
                throw new WorkerFailedException("the reply of " + ref + " does not decode with codec " + replyCodec.name()
                    + ": " + bad.getMessage(), bad);
            }
        });
    }

    /**
     * {@code source} mapped by {@code fn}, like {@code source.handle(fn)}, except that a caller blocked in
     * {@link #join}/{@link #get} waits on {@code source} itself: the transport hands a reply straight to
     * a thread blocked on its stage, which then completes this one on its own thread too, instead of
     * completing it through the transport's callback thread and waking the caller from there.
     */
    static final class JoinThrough<T, R> extends CompletableFuture<R> {
        private final CompletableFuture<T> source;

        JoinThrough(CompletableFuture<T> source, java.util.function.BiFunction<? super T, Throwable, ? extends R> fn) {
            this.source = source;
            source.whenComplete((value, error) -> {
                final R mapped;
                try {
                    mapped = fn.apply(value, error);
                } catch (Throwable t) {
                    completeExceptionally(t instanceof CompletionException ? t : new CompletionException(t));
                    return;
                }
                complete(mapped);
            });
        }

        @Override
        public R join() {
            if (!isDone()) {
                try {
                    source.join();
                } catch (RuntimeException outcomeBelow) {
                    // mapped by fn: reported by super.join()
                }
            }
            return super.join();
        }

        @Override
        public R get() throws InterruptedException, java.util.concurrent.ExecutionException {
            if (!isDone()) {
                try {
                    source.get();
                } catch (java.util.concurrent.ExecutionException | RuntimeException outcomeBelow) {
                    // mapped by fn: reported by super.get()
                }
            }
            return super.get();
        }

        @Override
        public R get(long timeout, TimeUnit unit) throws InterruptedException, java.util.concurrent.ExecutionException,
            TimeoutException {
            final long start = System.nanoTime();
            final long timeoutNs = unit.toNanos(timeout);
            if (!isDone()) {
                try {
                    source.get(timeoutNs, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | TimeoutException | RuntimeException outcomeBelow) {
                    // mapped by fn, or timed out: super.get decides
                }
            }
            return super.get(Math.max(0, timeoutNs - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
        }
    }

    private static SwarmException unavailable(WorkerRef ref, TransportException e) {
        return new NodeUnavailableException("cannot reach the node of " + ref + ": " + e.getMessage(), e);
    }

    @Override
    public CompletionStage<StopReason> monitor(WorkerRef worker) {
        Objects.requireNonNull(worker, "worker");
        // A caller that cancels no longer wants it: the registry forgets it (and stops asking a remote host).
        return submit(id -> core.monitor(id, worker), id -> core.cancelMonitor(id, worker));
    }

    @Override
    public Subscription addNameListener(NameListener listener) {
        Objects.requireNonNull(listener, "listener");
        nameListeners.add(listener);
        return () -> nameListeners.remove(listener);
    }

    // ================================================================ figures

    @Override
    public String group() {
        return "Registry";
    }

    @Override
    public List<Metric> metrics() {
        final RegistryStats st = core.stats;
        return List.of(
            Metric.gauge("swarm_registry_names", "Names in this node's replica", core.registered().size()),
            Metric.gauge("swarm_registry_ready", "1 when the replica is synced with the topology (and quorum held, if configured)",
                core.ready() ? 1 : 0),
            Metric.gauge("swarm_registry_quorum", "1 while this side of the cluster has quorum (always 1 without a quorum size)",
                core.hasQuorum() ? 1 : 0),
            Metric.counter("swarm_registry_register_requests_total", "register and whereisOrRegister calls made on this node",
                st.get(RegistryStats.Figure.REGISTER_REQUESTS)),
            Metric.counter("swarm_registry_lookups_asking_owner_total",
                "Lookups (also by send and call by name) the local replica could not answer, so the owner was asked",
                st.get(RegistryStats.Figure.LOOKUPS_ASKING_OWNER)),
            Metric.counter("swarm_registry_workers_started_total",
                "Workers started on this node for a name (registered, moved here or restarted)",
                st.get(RegistryStats.Figure.WORKERS_STARTED)),
            Metric.counter("swarm_registry_restarts_total",
                "Workers restarted after they crashed, or after their node died", st.get(RegistryStats.Figure.RESTARTS)),
            Metric.counter("swarm_registry_handoffs_total", "Handoffs begun: workers of this node asked to move",
                st.get(RegistryStats.Figure.HANDOFFS)),
            Metric.counter("swarm_registry_conflicts_total",
                "Duplicates of a name (after a partition healed) told to give way", st.get(RegistryStats.Figure.CONFLICTS)),
            Metric.counter("swarm_registry_checkpoints_sent_total",
                "Checkpoints of this node's workers sent to the node that would restart them", st.get(RegistryStats.Figure.CHECKPOINTS_SENT)),
            Metric.counter("swarm_registry_malformed_total", "Malformed registry or worker messages from peers, dropped",
                malformed.sum()),
            Metric.counter("swarm_registry_send_failures_total",
                "Registry messages that could not be sent (resends and anti-entropy repair them)", sendFailures.sum()),
            Metric.counter("swarm_registry_duty_cycles_total", "Turns of the registry's thread", loop.turns()),
            Metric.counter("swarm_registry_errors_total", "Registry tasks that threw (the registry carries on)",
                loop.errors()));
    }

    // ================================================================ API: topology

    @Override
    public boolean ready() {
        return core.ready();
    }

    @Override
    public boolean hasQuorum() {
        return core.hasQuorum();
    }

    @Override
    public Member self() {
        return membership.self();
    }

    @Override
    public List<Member> nodes() {
        return nodes;
    }

    @Override
    public Map<NodeId, NodeProfile> profiles() {
        return core.profiles();
    }

    @Override
    public Subscription addTopologyListener(TopologyListener listener) {
        Objects.requireNonNull(listener, "listener");
        loop.execute(() -> {
            for (Member m : nodes) {
                safely(() -> listener.nodeUp(m));
            }
            topologyListeners.add(listener);
        });
        return () -> topologyListeners.remove(listener);
    }

    // ================================================================ argument checks

    private static void checkName(String what, String value) {
        Objects.requireNonNull(value, what);
        try {
            MsgCodec.Names.check(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage() + " (was '" + value.replaceAll("\\p{Cntrl}", "?")
                + "')");
        }
    }

    private static Duration timeout(Duration timeout) {
        return Duration.ofMillis(millis(timeout));
    }

    private static long millis(Duration timeout) {
        if (timeout == null) {
            return DEFAULT_TIMEOUT.toMillis();
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return timeout.toMillis();
    }
}
