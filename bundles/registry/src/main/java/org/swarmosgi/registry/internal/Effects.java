package org.swarmosgi.registry.internal;

import org.swarmosgi.api.NodeId;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmException;
import org.swarmosgi.api.WorkerRef;
import org.swarmosgi.api.host.StartOrder;

/**
 * What the registry's state machine asks of the world: messages to peers, orders to this node's
 * worker host, answers to API calls, events to listeners. In a node these go to the transport, the
 * container and the callers' futures; in the simulation, to a seeded network and simulated hosts.
 * Answers to the host orders come back as inputs of {@link RegistryCore}.
 */
interface Effects {

    void send(NodeId to, Msg message);

    /** Start a worker; answer with {@link RegistryCore#onWorkerStarted} or {@link RegistryCore#onWorkerStartFailed}. */
    void startWorker(long startId, StartOrder order);

    /** Host the caller's instance of a registerLocal; answer with {@link RegistryCore#onLocalHosted} or {@code onWorkerStartFailed}. */
    void hostLocal(long reqId, String name, long version);

    void stopWorker(WorkerRef ref, StopReason reason, long version);

    /**
     * Begin moving a worker: from now on its messages are held here; answer with
     * {@link RegistryCore#onHandoff} (restart when the host failed to ask it).
     */
    void beginHandoff(long id, WorkerRef ref, long version);

    /**
     * A move ended: the held messages of {@code from} go to {@code to} in order (the same ref when the
     * worker answered ignore: they are delivered to it again), or fail when {@code to} is null.
     */
    void handoffEnded(WorkerRef from, WorkerRef to);

    /** Take a worker's checkpoint; answer with {@link RegistryCore#onCheckpoint}. */
    void takeCheckpoint(long id, WorkerRef ref);

    void resolveConflict(WorkerRef winner, byte[] loserState, long version);

    /** An API call succeeded: WorkerRef, Optional of WorkerRef, StopReason or null (void). */
    void completed(long reqId, Object result);

    void failed(long reqId, SwarmException error);

    void registered(String name, WorkerRef ref);

    void unregistered(String name, WorkerRef ref, StopReason reason);
}
