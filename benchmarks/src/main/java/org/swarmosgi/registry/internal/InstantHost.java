package org.swarmosgi.registry.internal;

import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.StartOrder;

/**
 * The effects of a registry state machine in a benchmark (no threads, no network): its host starts a worker
 * the moment it is asked, a move is answered with ignore, everything else is dropped. Subclasses build the
 * {@link #core} over {@code this} and override what they count or answer.
 */
abstract class InstantHost implements Effects {
    protected RegistryCore core;
    private long workerIds;

    /** A fresh ref for a worker started here. */
    protected final WorkerRef nextWorker() {
        return new WorkerRef(core.self(), ++workerIds);
    }

    @Override
    public void send(NodeId to, Msg message) {
    }

    @Override
    public void startWorker(long startId, StartOrder order) {
        core.onWorkerStarted(startId, nextWorker());
    }

    @Override
    public void hostLocal(long reqId, String name, long version) {
    }

    @Override
    public void stopWorker(WorkerRef ref, StopReason reason, long version) {
    }

    @Override
    public void beginHandoff(long id, WorkerRef ref, long version) {
        core.onHandoff(id, HandoffDecision.Kind.IGNORE, null);
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
    }

    @Override
    public void failed(long reqId, SwarmException error) {
    }

    @Override
    public void registered(String name, WorkerRef ref) {
    }

    @Override
    public void unregistered(String name, WorkerRef ref, StopReason reason) {
    }
}
