package org.swarmosgi.api.host;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.swarmosgi.api.HandoffDecision;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.WorkerRef;

/**
 * Runs workers on this node: one mailbox per worker, worker types from bundles. Knows nothing of the
 * ring; the registry tells it what to start, move and stop. Messages are bytes in the worker type's
 * codec; the host decodes them for the worker.
 */
public interface WorkerHost {

    /** The worker types this node can start now. */
    Set<String> workerTypes();

    /**
     * Starts a worker of {@code workerType} for {@code name}.
     *
     * @param state when not null, handed to the new worker by {@code endHandoff} after it starts
     * @return its ref; fails with {@link org.swarmosgi.api.UnknownWorkerTypeException} or
     *         {@link org.swarmosgi.api.WorkerFailedException}
     */
    CompletionStage<WorkerRef> start(String name, String workerType, byte[] args, byte[] state);

    /** Queues a one-way message; fails with {@link org.swarmosgi.api.NoSuchWorkerException}. */
    CompletionStage<Void> cast(WorkerRef worker, byte[] message);

    /** Queues a request and completes with the worker's encoded reply. */
    CompletionStage<byte[]> call(WorkerRef worker, byte[] message, Duration timeout);

    /** Asks a worker that must move how to hand off ({@code Worker.beginHandoff}). */
    CompletionStage<HandoffDecision> beginHandoff(WorkerRef worker);

    /** Takes a worker's state ({@code Worker.checkpoint}); null when it has none. */
    CompletionStage<byte[]> checkpoint(WorkerRef worker);

    /** Gives a winning worker the loser's state after a partition heals. */
    CompletionStage<Void> resolveConflict(WorkerRef worker, byte[] loserState);

    /** Stops a worker after its queued messages are handled; completes when it has stopped. */
    CompletionStage<Void> stop(WorkerRef worker, StopReason reason);
}
