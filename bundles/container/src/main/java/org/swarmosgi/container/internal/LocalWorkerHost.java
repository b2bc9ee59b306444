package org.swarmosgi.container.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.NoSuchWorkerException;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StartReason;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.UnknownWorkerTypeException;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.WorkerType;
import org.swarmosgi.api.host.Envelope;
import org.swarmosgi.api.host.Handoff;
import org.swarmosgi.api.host.HostDriver;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerHost;
import org.swarmosgi.api.host.WorkerTypeInfo;
import org.swarmosgi.api.host.WorkerTypeStatus;

/**
 * The worker host, free of OSGi: {@link ContainerComponent} feeds it worker type services and
 * publishes it; tests use it directly.
 *
 * <p>Threads: {@code pool.threads} pool threads run workers ({@link WorkerPool}) and check and queue
 * messages from other nodes ({@link DeliveryLane}); one timer thread
 * fires worker timers and handoff timeouts, and also runs, in order, the events to the driver and the
 * completions of orders ({@link SerialExecutor}), never holding a lock of ours.
 */
public final class LocalWorkerHost implements WorkerHost, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalWorkerHost.class.getName());
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    final NodeId node;
    final int maxBatch;
    final HostStats stats = new HostStats();
    /** Per worker type name, whether offered now or not; instances hosted without a type under {@link #HOSTED}. */
    private final ConcurrentHashMap<String, TypeHealth> health = new ConcurrentHashMap<>();
    /** The row of {@code registerLocal} instances in {@link #typeStatus()}. */
    static final String HOSTED = "(registerLocal)";
    final WorkerPool pool;
    private final DeliveryLane deliveries;
    final ScheduledThreadPoolExecutor timer;
    private final SerialExecutor events;
    private final ContainerSettings settings;
    private final Set<String> roles;
    private final ConcurrentHashMap<WorkerRef, WorkerCell<?, ?>> cells = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicReference<HostDriver> driver = new AtomicReference<>();

    private final Object typesLock = new Object();
    /** Per type name, every service offering it in arrival order; the first is active. Guarded by typesLock. */
    private final Map<String, List<OfferedType<?, ?>>> offers = new LinkedHashMap<>();
    private volatile Map<String, OfferedType<?, ?>> active = Map.of();
    private volatile Map<String, WorkerTypeInfo> infos = Map.of();
    private volatile boolean closed;

    /**
     * @param roles this node's roles: a type that requires roles this node lacks is not offered here
     */
    public LocalWorkerHost(NodeId node, Set<String> roles, ContainerSettings settings) {
        this.node = Objects.requireNonNull(node, "node");
        this.roles = Set.copyOf(roles);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.maxBatch = settings.maxBatch();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            final Thread t = new Thread(r, "swarm-container-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.events = new SerialExecutor(timer);
        this.pool = new WorkerPool(settings.poolThreads(), "swarm-worker-");
        this.deliveries = new DeliveryLane(pool);
    }

    // ------------------------------------------------------------------------------------ worker types

    /**
     * A {@link WorkerType} service appeared. Refused, with a log line, when it has no
     * {@value WorkerType#WORKER_TYPE} property, when its settings are invalid, or when another service
     * offers that name already (it then stands by, and takes over when the first goes).
     *
     * @return true when it is offered now
     */
    public boolean addType(WorkerType<?, ?> service, Map<String, ?> properties) {
        Objects.requireNonNull(service, "service");
        final String source = describe(service, properties);
        final Object raw = properties.get(WorkerType.WORKER_TYPE);
        if (!(raw instanceof String) || ((String) raw).isBlank()) {
            LOG.log(Level.ERROR, "refused worker type " + source + ": it has no " + WorkerType.WORKER_TYPE
                + " service property naming its type (was " + raw + ")");
            return false;
        }
        final String name = ((String) raw).trim();
        final OfferedType<?, ?> type;
        try {
            type = OfferedType.read(name, service, source);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "refused worker type '" + name + "' " + source + ": " + e.getMessage(), e);
            health(name).problem(false, "refused " + source + ": " + e.getMessage());
            return false;
        }
        if (!roles.containsAll(type.info.requiredRoles())) {
            // Not an error: a cluster of mixed nodes runs each type where it belongs.
            LOG.log(Level.INFO, "not offering worker type '" + name + "' " + source + " on this node: it requires roles "
                + new TreeSet<>(type.info.requiredRoles()) + ", this node has " + new TreeSet<>(roles)
                + " (setting roles, PID org.swarmosgi.node)");
            health(name).problem(false, "not offered here: requires roles " + new TreeSet<>(type.info.requiredRoles())
                + ", this node has " + new TreeSet<>(roles));
            return false;
        }
        synchronized (typesLock) {
            if (closed) {
                return false;
            }
            final List<OfferedType<?, ?>> list = offers.computeIfAbsent(name, k -> new ArrayList<>(1));
            list.add(type);
            if (list.size() > 1) {
                LOG.log(Level.ERROR, "refused worker type '" + name + "' " + source + ": the name is offered already by "
                    + list.get(0).source + "; this one stands by until that one goes");
                health(name).problem(false, "a second service " + source + " stands by: the name is offered already by "
                    + list.get(0).source);
                return false;
            }
            publishLocked();
        }
        LOG.log(Level.INFO, "offering worker type '" + name + "' " + source);
        return true;
    }

    /** A {@link WorkerType} service went away: its workers stop with {@link StopReason#TYPE_REMOVED}. */
    public void removeType(WorkerType<?, ?> service) {
        OfferedType<?, ?> gone = null;
        OfferedType<?, ?> successor = null;
        synchronized (typesLock) {
            if (closed) {
                return;
            }
            for (Iterator<Map.Entry<String, List<OfferedType<?, ?>>>> it = offers.entrySet().iterator(); it.hasNext(); ) {
                final List<OfferedType<?, ?>> list = it.next().getValue();
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).service == service) {
                        final OfferedType<?, ?> t = list.remove(i);
                        if (i == 0) {
                            gone = t;
                            t.removed = true; // before its workers are looked for: see startCell
                            successor = list.isEmpty() ? null : list.get(0);
                        }
                        break;
                    }
                }
                if (list.isEmpty()) {
                    it.remove();
                }
            }
            if (gone != null) {
                publishLocked();
            }
        }
        if (gone == null) {
            return;
        }
        final int before = workersOf(gone);
        if (successor == null && before > 0 && driver.get() != null) {
            // The driver heard the type is gone from here (publishLocked) and moves its workers to nodes that still
            // offer it, each as it answers beginHandoff; the service stays usable until this unbind returns. Bounded by
            // the type's own handoff timeout: with nowhere to go, its workers stop after it, as before.
            final long deadline = System.nanoTime() + gone.info.handoffTimeout().toNanos();
            while (workersOf(gone) > 0 && System.nanoTime() - deadline < 0 && !closed) {
                LockSupport.parkNanos(TYPE_GONE_POLL_NS);
            }
        }
        final int left = workersOf(gone);
        LOG.log(Level.INFO, "worker type '" + gone.name + "' " + gone.source + " went away: " + (before - left)
            + " of its workers were handed off, " + left + " stop"
            + (successor == null ? "" : "; " + successor.source + " offers it from now on"));
        for (WorkerCell<?, ?> cell : cells.values()) {
            if (cell.type == gone) {
                cell.closeBy(StopReason.TYPE_REMOVED, true);
            }
        }
    }

    private static final long TYPE_GONE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private int workersOf(OfferedType<?, ?> type) {
        int n = 0;
        for (WorkerCell<?, ?> cell : cells.values()) {
            if (cell.type == type) {
                n++;
            }
        }
        return n;
    }

    private void publishLocked() {
        final Map<String, OfferedType<?, ?>> a = new LinkedHashMap<>();
        final Map<String, WorkerTypeInfo> i = new LinkedHashMap<>();
        for (Map.Entry<String, List<OfferedType<?, ?>>> e : offers.entrySet()) {
            a.put(e.getKey(), e.getValue().get(0));
            i.put(e.getKey(), e.getValue().get(0).info);
        }
        active = Collections.unmodifiableMap(a);
        final Map<String, WorkerTypeInfo> snapshot = Collections.unmodifiableMap(i);
        infos = snapshot;
        events.execute(() -> {
            final HostDriver d = driver.get();
            if (d != null) {
                d.workerTypesChanged(snapshot);
            }
        });
    }

    private static String describe(WorkerType<?, ?> service, Map<String, ?> properties) {
        return "(service " + properties.get("service.id") + " of bundle " + properties.get("service.bundleid") + ", "
            + service.getClass().getName() + ")";
    }

    @Override
    public Map<String, WorkerTypeInfo> workerTypes() {
        return infos;
    }

    // ------------------------------------------------------------------------------------ driver

    @Override
    public Subscription attach(HostDriver newDriver) {
        Objects.requireNonNull(newDriver, "driver");
        synchronized (typesLock) {
            if (!driver.compareAndSet(null, newDriver)) {
                throw new IllegalStateException("a HostDriver is attached to this worker host already: " + driver.get());
            }
            // The driver hears the current set first, in order with later changes.
            final Map<String, WorkerTypeInfo> snapshot = infos;
            events.execute(() -> {
                if (driver.get() == newDriver) {
                    newDriver.workerTypesChanged(snapshot);
                }
            });
        }
        return () -> driver.compareAndSet(newDriver, null);
    }

    /** A worker asked for its checkpoint now: its driver takes it, off the worker's thread. */
    void checkpointRequested(WorkerRef worker) {
        events.execute(() -> {
            final HostDriver d = driver.get();
            if (d != null) {
                d.checkpointRequested(worker);
            }
        });
    }

    /** The registry workers see: the attached driver's. */
    SwarmRegistry registry() {
        final HostDriver d = driver.get();
        if (d == null) {
            throw new IllegalStateException("no registry: no HostDriver is attached to the worker host of " + node);
        }
        return d.registry();
    }

    // ------------------------------------------------------------------------------------ orders

    @Override
    public CompletionStage<WorkerRef> start(StartOrder order) {
        Objects.requireNonNull(order, "order");
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the worker host of " + node + " is stopped"));
        }
        final OfferedType<?, ?> type = active.get(order.workerType());
        if (type == null) {
            return CompletableFuture.failedFuture(new UnknownWorkerTypeException("worker type '" + order.workerType()
                + "' is not offered on node " + node + " (offered: " + active.keySet() + ")"));
        }
        return startCell(type, order);
    }

    private <M, R> CompletionStage<WorkerRef> startCell(OfferedType<M, R> type, StartOrder order) {
        final WorkerCell<M, R> cell = new WorkerCell<>(this, order.name(), newRef(), type, type.codec, type.replyCodec,
            type.capacity(settings.mailboxCapacity()), order.args().clone(), order.reason(), order.version());
        final CompletableFuture<WorkerRef> started = new CompletableFuture<>();
        cells.put(cell.ref, cell);
        cell.beginStart(order.state() == null ? null : order.state().clone(), started);
        if (type.removed) {
            cell.closeBy(StopReason.TYPE_REMOVED, true); // raced the type's removal, which did not see it
        }
        return started;
    }

    @Override
    public <M, R> WorkerRef host(String name, Worker<M, R> worker, Codec<M> codec, Codec<R> replyCodec, long version) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(replyCodec, "replyCodec");
        if (closed) {
            throw new IllegalStateException("the worker host of " + node + " is stopped");
        }
        final WorkerCell<M, R> cell = new WorkerCell<>(this, name, newRef(), null, codec, replyCodec,
            settings.mailboxCapacity(), new byte[0], StartReason.FIRST_START, version);
        cells.put(cell.ref, cell);
        cell.beginHosted(worker);
        return cell.ref;
    }

    private WorkerRef newRef() {
        return new WorkerRef(node, ids.incrementAndGet());
    }

    @Override
    public void deliver(WorkerRef worker, Envelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        final WorkerCell<?, ?> cell = cells.get(Objects.requireNonNull(worker, "worker"));
        if (cell == null) {
            throw noSuchWorker(worker, "is not running here");
        }
        cell.deliver(envelope);
    }

    @Override
    public Executor deliveries() {
        return deliveries;
    }

    @Override
    public CompletionStage<Handoff> beginHandoff(WorkerRef worker, long version) {
        final WorkerCell<?, ?> cell = cells.get(Objects.requireNonNull(worker, "worker"));
        if (cell == null) {
            return CompletableFuture.failedFuture(noSuchWorker(worker, "is not running here"));
        }
        if (cell.type == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(cell + " was given to the host "
                + "(registerLocal): it is never moved"));
        }
        return cell.beginHandoff(version, cell.type.info.handoffTimeout());
    }

    @Override
    public CompletionStage<byte[]> checkpoint(WorkerRef worker) {
        final WorkerCell<?, ?> cell = cells.get(Objects.requireNonNull(worker, "worker"));
        if (cell == null) {
            return CompletableFuture.failedFuture(noSuchWorker(worker, "is not running here"));
        }
        return cell.checkpoint();
    }

    @Override
    public CompletionStage<Void> resolveConflict(WorkerRef worker, byte[] loserState, long version) {
        final WorkerCell<?, ?> cell = cells.get(Objects.requireNonNull(worker, "worker"));
        if (cell == null) {
            return CompletableFuture.failedFuture(noSuchWorker(worker, "is not running here"));
        }
        return cell.resolveConflict(loserState == null ? null : loserState.clone(), version);
    }

    @Override
    public CompletionStage<Void> stop(WorkerRef worker, StopReason reason, long version) {
        Objects.requireNonNull(reason, "reason");
        final WorkerCell<?, ?> cell = cells.get(Objects.requireNonNull(worker, "worker"));
        if (cell == null) {
            return CompletableFuture.completedFuture(null);
        }
        return cell.stop(reason, version);
    }

    // ------------------------------------------------------------------------------------ for the cells

    NoSuchWorkerException noSuchWorker(WorkerRef ref, String why) {
        return new NoSuchWorkerException("worker " + ref + " " + why + " (node " + node + ")");
    }

    <T> void completeLater(CompletableFuture<T> future, T value) {
        events.execute(() -> future.complete(value));
    }

    <T> void failLater(CompletableFuture<T> future, Throwable error) {
        events.execute(() -> future.completeExceptionally(error));
    }

    void removed(WorkerCell<?, ?> cell) {
        cells.remove(cell.ref, cell);
    }

    /** A worker has stopped: its stop orders complete, then the driver hears of it if it must. */
    void ended(WorkerCell<?, ?> cell, StopReason reason, Throwable cause, boolean report,
               List<CompletableFuture<Void>> waiters) {
        events.execute(() -> {
            if (waiters != null) {
                for (CompletableFuture<Void> w : waiters) {
                    w.complete(null);
                }
            }
            if (report) {
                final HostDriver d = driver.get();
                if (d != null) {
                    d.workerEnded(cell.name, cell.ref, reason, cause);
                }
            }
        });
    }

    // ------------------------------------------------------------------------------------ inspection, close

    TypeHealth health(OfferedType<?, ?> type) {
        return health(type == null ? HOSTED : type.name);
    }

    private TypeHealth health(String typeName) {
        return health.computeIfAbsent(typeName, k -> new TypeHealth());
    }

    @Override
    public List<WorkerTypeStatus> typeStatus() {
        final Map<String, int[]> counts = new TreeMap<>(); // type -> {running, moving}
        for (WorkerCell<?, ?> cell : cells.values()) {
            final int[] c = counts.computeIfAbsent(cell.type == null ? HOSTED : cell.type.name, k -> new int[2]);
            c[0]++;
            if (cell.moving()) {
                c[1]++;
            }
        }
        final Map<String, OfferedType<?, ?>> offered = active;
        final Set<String> names = new TreeSet<>(counts.keySet());
        names.addAll(offered.keySet());
        names.addAll(health.keySet());
        final List<WorkerTypeStatus> out = new ArrayList<>(names.size());
        for (String type : names) {
            final int[] c = counts.getOrDefault(type, new int[2]);
            final TypeHealth h = health.get(type);
            final TypeHealth.Problem last = h == null ? null : h.last();
            out.add(new WorkerTypeStatus(type, offered.containsKey(type) || HOSTED.equals(type), c[0], c[1],
                h == null ? 0 : h.started.sum(), h == null ? 0 : h.crashed.sum(), h == null ? 0 : h.failedMessages.sum(),
                h == null ? 0 : h.handoffTimeouts.sum(), last == null ? null : last.text(), last == null ? null : last.at()));
        }
        return out;
    }

    /** Counters and the number of workers running. */
    public HostStats.Snapshot stats() {
        return stats.snapshot(cells.size());
    }

    /** Workers running (or stopping) now. */
    int workerCount() {
        return cells.size();
    }

    /** Timers waiting on the timer thread (worker timers and handoff timeouts). */
    int pendingTimers() {
        return timer.getQueue().size();
    }

    /** The phase of a worker, or -1 when it is not here (tests). */
    int phaseOf(WorkerRef ref) {
        final WorkerCell<?, ?> cell = cells.get(ref);
        return cell == null ? -1 : cell.phase();
    }

    /**
     * Stops every worker ({@link StopReason#SHUTDOWN}, not reported), waits up to 5 s for them, then
     * stops the threads.
     */
    @Override
    public void close() {
        synchronized (typesLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        final List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (WorkerCell<?, ?> cell : cells.values()) {
            stopped.add(cell.closeBy(StopReason.SHUTDOWN, false));
        }
        try {
            CompletableFuture.allOf(stopped.toArray(new CompletableFuture<?>[0])).get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(Level.WARNING, "workers still running " + CLOSE_TIMEOUT_MS + " ms after the host began to stop: "
                + cells.values());
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "stopping workers failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deliveries.close();
        pool.close(1_000);
        timer.shutdownNow();
        driver.set(null);
    }
}
