package org.swarmosgi.registry.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.RestartPolicy;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.StartOrder;
import org.swarmosgi.api.host.WorkerTypeInfo;

/**
 * A one-node registry state machine whose host starts workers at once, for benchmarks of the
 * registry's own cost (no threads, no network). Lives in the registry's package to reach its core.
 */
public final class LocalRegistry implements Effects {
    public static final String TYPE = "bench";
    private final RegistryCore core;
    private long workerIds;
    private long completed;
    private long failed;

    public LocalRegistry() {
        final NodeId self = new NodeId("bench", System.currentTimeMillis() << 16);
        core = new RegistryCore(self, RegistrySettings.DEFAULTS, this, System::currentTimeMillis);
        core.localTypes(Map.of(TYPE, new WorkerTypeInfo(TYPE, Duration.ofSeconds(5), Duration.ZERO, RestartPolicy.DEFAULT,
            Set.of())));
        core.flush();
    }

    /** Registers {@code name}; returns at once, the start and the record happen inside. */
    public void register(long id, String name) {
        core.register(id, name, TYPE, Record.NO_ARGS, 5_000, false);
    }

    /** The worker holding {@code name}, or null: what a caller takes from {@code whereis}. */
    public WorkerRef whereis(String name) {
        return core.whereis(name).orElse(null);
    }

    public WorkerRef ref(String name) {
        final Record r = core.winner(name);
        return r == null ? null : r.ref;
    }

    public long completed() {
        return completed;
    }

    public long failed() {
        return failed;
    }

    public int size() {
        return core.partitionSize(core.self());
    }

    @Override
    public void send(NodeId to, Msg message) {
    }

    @Override
    public void startWorker(long startId, StartOrder order) {
        core.onWorkerStarted(startId, new WorkerRef(core.self(), ++workerIds));
    }

    @Override
    public void hostLocal(long reqId, String name, long version) {
        core.onLocalHosted(reqId, name, new WorkerRef(core.self(), ++workerIds));
    }

    @Override
    public void stopWorker(WorkerRef ref, StopReason reason, long version) {
    }

    @Override
    public void beginHandoff(long id, WorkerRef ref, long version) {
        core.onHandoff(id, org.swarmosgi.api.HandoffDecision.Kind.IGNORE, null); // one node: nothing ever moves
    }

    @Override
    public void handoffEnded(WorkerRef from, WorkerRef to) {
    }

    @Override
    public void takeCheckpoint(long id, WorkerRef ref) {
    }

    @Override
    public void resolveConflict(WorkerRef winner, byte[] loserState, long version) {
    }

    @Override
    public void completed(long reqId, Object result) {
        completed++;
    }

    @Override
    public void failed(long reqId, SwarmException error) {
        failed++;
    }

    @Override
    public void registered(String name, WorkerRef ref) {
    }

    @Override
    public void unregistered(String name, WorkerRef ref, StopReason reason) {
    }
}
