package org.swarmosgi.api;

/**
 * One named, stateful worker: the Swarm analogue of a GenServer.
 *
 * <p>The container calls a worker from one thread at a time (its mailbox): handlers never run
 * concurrently for one worker, and never on a transport thread, so a worker needs no locks for its
 * own state. Instances are made by a {@link WorkerType}.
 *
 * <p>Lifecycle: {@link #onStart} once, then messages ({@link #handleCast}, {@link #handleCall}) and
 * topology callbacks ({@link #beginHandoff}, {@link #endHandoff}, {@link #resolveConflict}), then
 * {@link #stop} once. A handler that throws fails that message only (a call's caller gets
 * {@link WorkerFailedException}); the worker keeps running.
 *
 * @param <M> the message type, encoded by the type's {@link WorkerType#codec() codec}
 */
public interface Worker<M> {

    /** Called once, on the worker's thread, before any message. */
    default void onStart(WorkerContext context) {
    }

    /** Handles a one-way message. */
    void handleCast(M message) throws Exception;

    /**
     * Handles a request and returns its reply.
     *
     * @return the reply; must not be null
     */
    M handleCall(M message) throws Exception;

    /**
     * The topology moved this worker's name to another node. Answer {@link HandoffDecision#restart()}
     * (the default), {@link HandoffDecision#resume(byte[])} with the state to carry, or
     * {@link HandoffDecision#ignore()} to stay here. Messages that arrive while the worker moves are
     * held and delivered to the new instance.
     */
    default HandoffDecision beginHandoff() {
        return HandoffDecision.restart();
    }

    /**
     * On the new node, after {@link #onStart}: the state the old instance handed over with
     * {@link HandoffDecision#resume(byte[])}. Delivered before any held message.
     */
    default void endHandoff(byte[] state) {
    }

    /**
     * After a partition healed, this instance won over another instance of the same name; the loser
     * hands over its state through {@link #checkpoint()} and is then stopped. Merge as you see fit.
     */
    default void resolveConflict(byte[] loserState) {
    }

    /**
     * The worker's state as bytes, for types that opt in to crash recovery
     * ({@link WorkerType#checkpointInterval()}) and for conflict resolution. Called on the worker's
     * thread; return null to say "no state".
     */
    default byte[] checkpoint() {
        return null;
    }

    /** Last call: the worker must release what it holds. No message follows. */
    default void stop(StopReason reason) {
    }
}
