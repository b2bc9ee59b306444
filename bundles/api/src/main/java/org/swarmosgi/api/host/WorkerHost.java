package org.swarmosgi.api.host;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.swarmosgi.api.Codec;
import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.Subscription;
import org.swarmosgi.api.Worker;
import org.swarmosgi.api.WorkerRef;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs workers on this node: worker types from bundles, one bounded mailbox per worker, a small
 * shared pool of threads. Knows nothing of the ring: its {@link HostDriver} (the registry) decides
 * what to start, move and stop, and hears back what happened.
 *
 * <p><b>Versions.</b> Every order carries the version of the registry record it acts for. The host
 * remembers the version each worker was started or last ordered at, and refuses an order older than
 * that with {@link StaleOrderException}: after a partition or a race, a stale stop or handoff never
 * hits the instance a newer record put there.
 *
 * <p><b>Threads.</b> Methods may be called from any thread and never block on a worker: they queue
 * work and complete their stage when it is done. Stages complete on host threads.
 */
@ProviderType
public interface WorkerHost {

    /**
     * Attaches the driver: from now on it hears of workers that stop by themselves or crash, and of
     * worker types coming and going (first the current types). One driver at a time; closing the
     * subscription detaches it, and the workers keep running: a driver that goes away stops the
     * workers it started first.
     *
     * @throws IllegalStateException when a driver is attached already
     */
    Subscription attach(HostDriver driver);

    /** The worker types this node can start now, by name. */
    Map<String, WorkerTypeInfo> workerTypes();

    /**
     * Starts a worker. The worker's {@code onStart} (and, with state, {@code endHandoff}) run before
     * any message is delivered.
     *
     * @return its ref once started; fails with {@link org.swarmosgi.api.UnknownWorkerTypeException}
     *         or {@link org.swarmosgi.api.WorkerFailedException} (its factory or {@code onStart} threw)
     */
    CompletionStage<WorkerRef> start(StartOrder order);

    /**
     * Hosts a worker instance made by the caller ({@code registerLocal}): it gets a mailbox and a ref
     * like any other, but no type, so it is never moved or restarted.
     */
    <M, R> WorkerRef host(String name, Worker<M, R> worker, Codec<M> codec, Codec<R> replyCodec, long version);

    /**
     * Queues a message for a worker. Never blocks.
     *
     * @throws org.swarmosgi.api.NoSuchWorkerException when the worker is not running here
     * @throws org.swarmosgi.api.MailboxFullException when its mailbox is full
     */
    void deliver(WorkerRef worker, Envelope envelope);

    /**
     * Where messages that arrive from other nodes are handed to {@link #deliver}: runs tasks one at a
     * time, in the order given, on the host's own threads, ahead of the workers waiting for one. Saves
     * the caller a thread of its own and one thread hand-off per message. Its tasks must be short and
     * must never block or run user code: they check a message and queue it. Refuses tasks with
     * {@link java.util.concurrent.RejectedExecutionException} once the host has stopped.
     *
     * @since 1.1
     */
    Executor deliveries();

    /**
     * Begins moving a worker: delivery to it stops at once (later envelopes are held), and its
     * {@code beginHandoff} is asked within the type's timeout (on timeout: restart, logged). The
     * result holds the decision and every envelope not yet handled, in order. After
     * {@link org.swarmosgi.api.HandoffDecision.Kind#IGNORE ignore}, delivery resumes here; otherwise the worker is stopped
     * with {@link StopReason#MOVED} and later deliveries fail with
     * {@link org.swarmosgi.api.NoSuchWorkerException}.
     */
    CompletionStage<Handoff> beginHandoff(WorkerRef worker, long version);

    /** Takes a worker's state ({@code Worker.checkpoint}); null when it has none. */
    CompletionStage<byte[]> checkpoint(WorkerRef worker);

    /** Gives a winning worker the loser's state after a partition heals. */
    CompletionStage<Void> resolveConflict(WorkerRef worker, byte[] loserState, long version);

    /**
     * Stops a worker after the message it is handling; envelopes still queued fail with
     * {@link org.swarmosgi.api.NoSuchWorkerException}. Completes when it has stopped (at once when it
     * was not running).
     */
    CompletionStage<Void> stop(WorkerRef worker, StopReason reason, long version);
}
