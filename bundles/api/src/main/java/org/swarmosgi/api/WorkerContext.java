package org.swarmosgi.api;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a running worker knows of itself and can ask of its container; given to
 * {@link WorkerType#create} and {@link Worker#onStart}.
 *
 * @param <M> the worker's message type
 */
@ProviderType
public interface WorkerContext<M> {

    /** The registered name this instance was started for. */
    String name();

    /** This instance's cluster-wide reference. */
    WorkerRef self();

    /** The start arguments given to {@link SwarmRegistry#register}, as bytes (a copy). */
    byte[] args();

    /** Why this instance was started. */
    StartReason startReason();

    /**
     * The registry, to register, look up, join groups or message other workers from a handler. Its
     * stages complete on registry threads: come back to this worker's state through {@link #mailbox()}.
     */
    SwarmRegistry registry();

    /**
     * Runs tasks on this worker's mailbox, one at a time, between its messages: the way back to the
     * worker's state from another thread. Tasks given after the worker stopped or moved are dropped.
     */
    Executor mailbox();

    /**
     * Delivers {@code message} to this worker as a cast after {@code delay}. Timers are cancelled
     * when the worker stops or moves (a handed-off worker sets its timers again in
     * {@link Worker#endHandoff}).
     *
     * @return the timer, to cancel it
     */
    Timer schedule(Duration delay, M message);

    /**
     * Stops this worker once the current message is handled: its name is unregistered everywhere and
     * it leaves its groups; {@link Worker#stop} is called with {@link StopReason#NORMAL}. A
     * {@link RestartPolicy.Mode#PERMANENT permanent} worker is started again.
     */
    void stopSelf();

    /**
     * Replicates this worker's state now, as its type's {@link WorkerType#checkpointInterval()} does
     * periodically: after the current message, {@link Worker#checkpoint()} is called on its mailbox and what it
     * returns is sent to the node that would host this worker next, where a restart after a crash of this node
     * starts from it. Call it after a change that must survive a crash; what a crash loses is what changed
     * since the last checkpoint. Returns at once; requests made while one is being taken are coalesced into
     * one more. A type whose interval is zero checkpoints only when its workers ask; after a topology change
     * such a worker should ask again (its next host may have changed). Workers hosted with
     * {@code registerLocal} are never restarted elsewhere: for them it does nothing.
     *
     * @since 1.2
     */
    void checkpointNow();
}
