package org.swarmosgi.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One named, stateful worker: the Swarm analogue of a GenServer.
 *
 * <p>The container calls a worker from one thread at a time (its mailbox): handlers never run
 * concurrently for one worker, and never on a transport or registry thread, so a worker needs no
 * locks for its own state. Instances are made by a {@link WorkerType}.
 *
 * <p>Lifecycle: {@link #onStart} once, then (if it was handed off) {@link #endHandoff}, then
 * messages ({@link #handleCast}, {@link #handleCall}), tasks run through
 * {@link WorkerContext#mailbox()}, and topology callbacks ({@link #beginHandoff},
 * {@link #resolveConflict}, {@link #checkpoint}), then {@link #stop} once. A handler that throws
 * fails that message only (a call's caller gets {@link WorkerFailedException}); the worker keeps
 * running. A throw from {@link #onStart} is a crash: the type's {@link RestartPolicy} decides what
 * follows.
 *
 * @param <M> the message type, decoded by the type's {@link WorkerType#codec() codec}
 * @param <R> the reply type, encoded by the type's {@link WorkerType#replyCodec() reply codec}
 */
@ConsumerType
public interface Worker<M, R> {

    /** Called once, on the worker's thread, before anything else. */
    default void onStart(WorkerContext<M> context) throws Exception {
    }

    /** Handles a one-way message. */
    void handleCast(M message) throws Exception;

    /**
     * Handles a request. Answer it exactly once through {@code reply}: at once
     * ({@code reply.reply(value)}), or later from a task on this worker's mailbox, for instance after
     * calling another worker: {@code registry.call(...).thenAcceptAsync(v -> reply.reply(f(v)),
     * context.mailbox())}. Meanwhile the worker handles its next messages, so a worker A that calls
     * B, which calls A back, never deadlocks. A handler that throws before answering fails the call
     * with {@link WorkerFailedException}.
     */
    void handleCall(M message, Reply<R> reply) throws Exception;

    /**
     * The topology moved this worker's name to another node. Delivery to this instance has stopped;
     * answer {@link HandoffDecision#restart()} (the default), {@link HandoffDecision#resume(byte[])}
     * with the state to carry, or {@link HandoffDecision#ignore()} to stay here. Messages still
     * queued and those arriving meanwhile are handed on, in order, to the new instance (or back to
     * this one after {@code ignore}). An answer later than the type's
     * {@link WorkerType#handoffTimeout()} counts as {@code restart}, and is logged.
     */
    default HandoffDecision beginHandoff() throws Exception {
        return HandoffDecision.restart();
    }

    /**
     * On the new node, after {@link #onStart}: the state the old instance handed over with
     * {@link HandoffDecision#resume(byte[])}. Delivered before any held message.
     */
    default void endHandoff(byte[] state) throws Exception {
    }

    /**
     * After a partition healed, this instance won over another instance of the same name, whose
     * {@link #checkpoint()} is given here (null when it had none); the loser is then stopped with
     * {@link StopReason#CONFLICT_LOST}. Merge as you see fit.
     */
    default void resolveConflict(byte[] loserState) throws Exception {
    }

    /**
     * The worker's state as bytes, for types that opt in to crash recovery
     * ({@link WorkerType#checkpointInterval()}) and for conflict resolution. Called on the worker's
     * thread; return null to say "no state".
     */
    default byte[] checkpoint() throws Exception {
        return null;
    }

    /** Last call: the worker must release what it holds. No message follows; its timers are cancelled. */
    default void stop(StopReason reason) {
    }
}
