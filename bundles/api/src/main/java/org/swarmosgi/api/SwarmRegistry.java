package org.swarmosgi.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The cluster-wide registry of named workers, published as an OSGi service on every node.
 *
 * <p><b>Placement.</b> Each name is owned by the node a consistent hash ring assigns it among the
 * nodes that offer the name's worker type. Starts of a name are serialized through its owner, which
 * starts the worker, records it and replicates the record to every node. Lookups ({@link #whereis},
 * {@link #registered}, {@link #members}) read the local replica: no network traffic, never
 * blocking, eventually consistent.
 *
 * <p><b>Asynchrony.</b> Operations that may cross nodes return a {@link CompletionStage} that
 * completes on a registry thread: never block on it from a worker's handler (answer later through
 * {@link Reply} and {@link WorkerContext#mailbox()} instead). Failures complete the stage
 * exceptionally with a {@link SwarmException} subtype named in each method. Every remote operation
 * has a timeout; when it passes, the stage fails with {@link SwarmTimeoutException}. Argument errors
 * (null, empty, over-long or control-character names, negative timeouts) throw
 * {@link IllegalArgumentException} or {@link NullPointerException} at once.
 *
 * <p><b>Names.</b> Names and group names are strings of 1 to {@value #MAX_NAME_BYTES} UTF-8 bytes
 * without control characters.
 */
@ProviderType
public interface SwarmRegistry {

    /** The longest name or group name, in UTF-8 bytes. */
    int MAX_NAME_BYTES = 1024;

    /** Timeout of operations whose caller gives none. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    // ---------------------------------------------------------------- registration

    /**
     * Starts a worker of {@code workerType} under {@code name} on the name's owner node and
     * registers it cluster-wide (Swarm's {@code register_name/4}). The worker is moved on topology
     * changes and restarted after crashes from this start spec. Completes once this node's replica
     * holds the record, so a {@link #whereis} here right after finds it.
     *
     * @param name       the name
     * @param workerType the {@value WorkerType#WORKER_TYPE} of a {@link WorkerType} service
     * @param args       start arguments given to the new worker ({@link WorkerContext#args()}); copied
     * @param timeout    how long to wait for the owner to start it
     * @return the new worker's ref; fails with {@link AlreadyRegisteredException} (holding the
     *         existing ref) when the name is taken, {@link UnknownWorkerTypeException} when no node
     *         offers the type, {@link WorkerFailedException} when the worker failed to start,
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
     * form): the record is replicated, the worker is never moved, and it stops with its node.
     *
     * @return its ref; fails with {@link AlreadyRegisteredException} when the name is taken
     */
    <M, R> CompletionStage<WorkerRef> registerLocal(String name, Worker<M, R> worker, Codec<M> codec,
                                                    Codec<R> replyCodec);

    /**
     * Removes the name everywhere, removes it from its groups and stops its worker with
     * {@link StopReason#UNREGISTERED}.
     *
     * @return completes when the owner has removed it and this node's replica no longer holds it;
     *         fails with {@link NotRegisteredException}
     */
    CompletionStage<Void> unregister(String name, Duration timeout);

    /**
     * Drains this node before it stops (a graceful stop does it by itself): the node stops offering
     * worker types, so nothing new is placed here, and every worker it hosts that was started by
     * {@link #register} is handed off to its placement among the other nodes, each as it answers
     * {@link Worker#beginHandoff()}; none is restarted from scratch unless it answers restart.
     * Workers of {@link #registerLocal} stay: they are never moved. The node offers no worker type
     * afterwards, until its registry starts again.
     *
     * @param timeout how long the handoffs may take
     * @return completes when no worker here has another node to go to; fails with
     *         {@link SwarmTimeoutException}
     * @since 1.1
     */
    CompletionStage<Void> drain(Duration timeout);

    /**
     * Moves the worker registered under {@code name} to its placement now, when it runs elsewhere: a
     * worker waiting its turn among the moves of a topology change goes first, and one that answered
     * {@link HandoffDecision#ignore()} (and so stays until the next topology change) is asked again.
     * Its host asks it {@link Worker#beginHandoff()} as a rebalance does, and the move follows its
     * answer. Placement is the consistent-hash ring's: a worker already there stays (a move elsewhere
     * would be undone by the next rebalance).
     *
     * @param timeout how long to wait for the worker to run at its placement
     * @return the worker at its placement: the same instance when it was there already, else the new
     *         one once the move is done; fails with {@link NotRegisteredException}, with
     *         {@link SwarmException} when it does not move (it answered ignore, or it was registered
     *         with {@link #registerLocal} and never moves), or with {@link SwarmTimeoutException}
     * @since 1.2
     */
    CompletionStage<WorkerRef> handoff(String name, Duration timeout);

    /**
     * Runs a rebalance pass on this node now: every worker of this node whose placement is another
     * node is queued to move, those that answered {@link HandoffDecision#ignore()} before included
     * (a topology change runs the same pass by itself, without them). Each node moves only its own
     * workers, so a pass here moves nothing of other nodes.
     *
     * @return the moves of this node's workers under way and queued after the pass; a pass waits
     *         while this node's replica is not {@link #ready()} or it has no quorum (then it only
     *         reports)
     * @since 1.2
     */
    CompletionStage<Rebalance> rebalance();

    /** The worker registered under {@code name}, from the local replica: never blocks, never waits. */
    Optional<WorkerRef> whereis(String name);

    /**
     * The worker registered under {@code name}: from the local replica when it holds the name, else
     * asked of the name's owner, so a name registered a moment ago on another node is found at once.
     *
     * @return empty when the owner does not hold it either; fails with {@link SwarmTimeoutException}
     *         or {@link NodeUnavailableException}
     */
    CompletionStage<Optional<WorkerRef>> lookup(String name, Duration timeout);

    /** Every registered name and its worker, from the local replica: a snapshot, agreeing with {@link #whereis}. */
    Map<String, WorkerRef> registered();

    // ---------------------------------------------------------------- groups

    /**
     * Adds a registered name to a group. Membership is kept by name: a worker that moves or restarts
     * stays in its groups; a name that is unregistered (or whose worker is given up) leaves them all.
     * Idempotent.
     *
     * @return fails with {@link NotRegisteredException} when the name is not registered
     */
    CompletionStage<Void> join(String group, String name);

    /** Removes a name from a group. Idempotent. */
    CompletionStage<Void> leave(String group, String name);

    /** The workers of a group's names, from the local replica: a snapshot, in no particular order. */
    List<WorkerRef> members(String group);

    /** The groups with at least one member, from the local replica. */
    Set<String> groups();

    /** Casts {@code message} to every member of the group. Best effort: no reply, no error per member. */
    <M> void publish(String group, M message, Codec<M> codec);

    /**
     * Calls every member of the group with {@code message} and collects the replies that arrive
     * within {@code timeout}. Failures and timeouts are counted, not raised; late replies are dropped.
     */
    <M, R> CompletionStage<MulticallResult<R>> multicall(String group, M message, Codec<M> codec, Codec<R> replyCodec,
                                                         Duration timeout);

    // ---------------------------------------------------------------- messaging

    /**
     * Casts a message to the worker registered under {@code name}, wherever it runs; asks the name's
     * owner when the local replica does not know the name yet. Messages from one sender to one
     * worker arrive in the order sent. A message for a worker that is moving is held and delivered
     * to the new instance.
     *
     * @return completes when the message is in the worker's mailbox; fails with
     *         {@link NotRegisteredException}, {@link MailboxFullException},
     *         {@link NodeUnavailableException} or {@link SwarmTimeoutException}
     */
    <M> CompletionStage<Void> send(String name, M message, Codec<M> codec);

    /** Casts a message to one worker instance. Fails with {@link NoSuchWorkerException} when it has stopped. */
    <M> CompletionStage<Void> send(WorkerRef worker, M message, Codec<M> codec);

    /**
     * Calls the worker registered under {@code name} (asking the owner when the local replica does
     * not know the name yet) and returns its reply.
     *
     * @return the reply; fails with {@link NotRegisteredException}, {@link WorkerFailedException}
     *         when its handler failed, {@link MailboxFullException}, {@link NodeUnavailableException}
     *         or {@link SwarmTimeoutException}
     */
    <M, R> CompletionStage<R> call(String name, M message, Codec<M> codec, Codec<R> replyCodec, Duration timeout);

    /** Calls one worker instance. Fails as {@link #call(String, Object, Codec, Codec, Duration)} does. */
    <M, R> CompletionStage<R> call(WorkerRef worker, M message, Codec<M> codec, Codec<R> replyCodec, Duration timeout);

    /** A call whose request and reply share one type and codec. */
    default <M> CompletionStage<M> call(String name, M message, Codec<M> codec, Duration timeout) {
        return call(name, message, codec, codec, timeout);
    }

    /**
     * Completes when the worker instance stops, with the reason ({@link StopReason#NODE_DOWN} when
     * its node died; {@link StopReason#NO_SUCH_WORKER} at once when it is not running).
     */
    CompletionStage<StopReason> monitor(WorkerRef worker);

    /** Adds a listener of names registered and unregistered in the local replica. */
    Subscription addNameListener(NameListener listener);

    // ---------------------------------------------------------------- topology and readiness

    /**
     * True when this node has synced its replica with the current topology and, in quorum mode,
     * sees a quorum: lookups then reflect the cluster, not a partial view.
     */
    boolean ready();

    /** True unless quorum mode is on and this node's side of the cluster has fewer nodes than the quorum. */
    boolean hasQuorum();

    /** This node. */
    Member self();

    /** The nodes the registry currently places names on, this one included, in {@link NodeId} order. */
    List<Member> nodes();

    /**
     * The roles and offered worker types of the nodes this registry has heard them from: every node of
     * {@link #nodes()} once its replica has synced with this one (this node always). A snapshot, by node; a node
     * not heard from yet is missing.
     *
     * @since 1.3
     */
    Map<NodeId, NodeProfile> profiles();

    /**
     * Adds a listener of topology changes. It is first told {@link TopologyListener#nodeUp} for
     * every current node.
     *
     * @return the subscription; close it to remove the listener
     */
    Subscription addTopologyListener(TopologyListener listener);
}
