package org.swarmosgi.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The cluster-wide registry of named workers, published as an OSGi service on every node.
 *
 * <p><b>Placement.</b> Each name is owned by the node a consistent hash ring assigns it. Starts of a
 * name are serialized through its owner, which starts the worker, records it and replicates the
 * record to every node. Lookups ({@link #whereis}, {@link #registered}, {@link #members}) read the
 * local replica: no network traffic, eventually consistent.
 *
 * <p><b>Asynchrony.</b> Operations that may cross nodes return a {@link CompletionStage} that
 * completes on a registry thread; never block on it from a worker's handler for a call to the same
 * worker. Failures complete the stage exceptionally with a {@link SwarmException} subtype named in
 * each method. Every remote operation has a timeout; when it passes, the stage fails with
 * {@link SwarmTimeoutException}. Argument errors (null, empty or over-long names, negative
 * timeouts) throw {@link IllegalArgumentException} or {@link NullPointerException} at once.
 *
 * <p><b>Names.</b> Names and group names are strings of 1 to {@value #MAX_NAME_BYTES} UTF-8 bytes
 * without control characters.
 */
public interface SwarmRegistry {

    /** The longest name or group name, in UTF-8 bytes. */
    int MAX_NAME_BYTES = 1024;

    /** Timeout of operations whose caller gives none. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    // ---------------------------------------------------------------- registration

    /**
     * Starts a worker of {@code workerType} under {@code name} on the name's owner node and
     * registers it cluster-wide (Swarm's {@code register_name/4}). The worker is moved on topology
     * changes and restarted after crashes from this start spec.
     *
     * @param name       the name
     * @param workerType the {@value WorkerType#WORKER_TYPE} of a {@link WorkerType} service
     * @param args       start arguments given to the new worker ({@link WorkerContext#args()})
     * @param timeout    how long to wait for the owner to start it
     * @return the new worker's ref; fails with {@link AlreadyRegisteredException} (holding the
     *         existing ref) when the name is taken, {@link UnknownWorkerTypeException},
     *         {@link WorkerFailedException} when the worker failed to start,
     *         {@link QuorumLostException}, {@link NodeUnavailableException} or
     *         {@link SwarmTimeoutException}
     */
    CompletionStage<WorkerRef> register(String name, String workerType, byte[] args, Duration timeout);

    /**
     * Returns the worker registered under {@code name}, or registers and starts one as
     * {@link #register} does. Concurrent calls for one name, from any nodes, start at most one
     * worker. Fails as {@link #register} does, except never with {@link AlreadyRegisteredException}.
     */
    CompletionStage<WorkerRef> whereisOrRegister(String name, String workerType, byte[] args, Duration timeout);

    /**
     * Registers a worker that runs on this node and stays here (Swarm's {@code {:via, :swarm, name}}
     * form): the record is replicated, the worker is never moved, and it is stopped with its node.
     *
     * @return its ref; fails with {@link AlreadyRegisteredException} when the name is taken
     */
    <M> CompletionStage<WorkerRef> registerLocal(String name, Worker<M> worker, Codec<M> codec);

    /**
     * Removes the name everywhere and stops its worker with {@link StopReason#UNREGISTERED}.
     *
     * @return completes when the owner has removed it; fails with {@link NotRegisteredException}
     */
    CompletionStage<Void> unregister(String name, Duration timeout);

    /** The worker registered under {@code name}, from the local replica. */
    Optional<WorkerRef> whereis(String name);

    /** Every registered name and its worker, from the local replica: a snapshot. */
    Map<String, WorkerRef> registered();

    // ---------------------------------------------------------------- groups

    /**
     * Adds a running worker to a group. Idempotent. A worker that stops leaves all its groups.
     *
     * @return fails with {@link NoSuchWorkerException} when the worker is not running
     */
    CompletionStage<Void> join(String group, WorkerRef worker);

    /** Removes a worker from a group. Idempotent. */
    CompletionStage<Void> leave(String group, WorkerRef worker);

    /** The members of a group, from the local replica: a snapshot, in no particular order. */
    List<WorkerRef> members(String group);

    /** Casts {@code message} to every member of the group. Best effort: no reply, no error per member. */
    <M> void publish(String group, M message, Codec<M> codec);

    /**
     * Calls every member of the group with {@code message} and collects the replies that arrive
     * within {@code timeout}. Failures and timeouts are counted, not raised.
     */
    <M> CompletionStage<MulticallResult<M>> multicall(String group, M message, Codec<M> codec, Duration timeout);

    // ---------------------------------------------------------------- messaging

    /**
     * Casts a message to the worker registered under {@code name}, wherever it runs. Messages from
     * one sender to one worker arrive in the order sent. A message for a worker that is moving is
     * held and delivered to the new instance.
     *
     * @return completes when the message was handed to the worker's node; fails with
     *         {@link NotRegisteredException} or {@link NodeUnavailableException}
     */
    <M> CompletionStage<Void> send(String name, M message, Codec<M> codec);

    /** Casts a message to one worker instance. Fails with {@link NoSuchWorkerException} when it has stopped. */
    <M> CompletionStage<Void> send(WorkerRef worker, M message, Codec<M> codec);

    /**
     * Calls the worker registered under {@code name} and returns its reply.
     *
     * @return the reply; fails with {@link NotRegisteredException}, {@link WorkerFailedException}
     *         when its handler threw, {@link NodeUnavailableException} or {@link SwarmTimeoutException}
     */
    <M> CompletionStage<M> call(String name, M message, Codec<M> codec, Duration timeout);

    /** Calls one worker instance. Fails as {@link #call(String, Object, Codec, Duration)} does. */
    <M> CompletionStage<M> call(WorkerRef worker, M message, Codec<M> codec, Duration timeout);

    // ---------------------------------------------------------------- topology

    /** This node. */
    Member self();

    /** The nodes the registry currently places names on, this one included, in {@link NodeId} order. */
    List<Member> nodes();

    /**
     * Adds a listener of topology changes. It is first told {@link TopologyListener#nodeUp} for
     * every current node.
     *
     * @return the subscription; close it to remove the listener
     */
    Subscription addTopologyListener(TopologyListener listener);
}
