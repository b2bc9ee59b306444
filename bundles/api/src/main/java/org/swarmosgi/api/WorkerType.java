package org.swarmosgi.api;

import java.time.Duration;
import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of worker that the cluster can start by name: the service contract of worker bundles.
 *
 * <p>Publish an implementation as an OSGi service (typically a DS component) with the service
 * property {@value #WORKER_TYPE} set to the type's name. Names of a type are placed only on nodes
 * that offer it (and have its {@link #requiredRoles() roles}). For example:
 *
 * <pre>{@code
 * @Component(property = WorkerType.WORKER_TYPE + "=counter")
 * public final class CounterType implements WorkerType<String, String> {
 *     public Codec<String> codec() { return Codec.UTF8; }
 *     public Codec<String> replyCodec() { return Codec.UTF8; }
 *     public Worker<String, String> create(WorkerContext<String> context) { return new Counter(); }
 * }
 * }</pre>
 *
 * <p>Everything but {@link #codec()}, {@link #replyCodec()} and {@link #create} has a default; the
 * container reads the settings once, when the service appears.
 *
 * @param <M> the message type of its workers
 * @param <R> the reply type of its workers
 */
@ConsumerType
public interface WorkerType<M, R> {

    /** Service property that names a worker type; required, unique in the cluster. */
    String WORKER_TYPE = "swarm.worker.type";

    /** How messages to workers of this type are encoded when they cross nodes. */
    Codec<M> codec();

    /** How replies of workers of this type are encoded when they cross nodes. */
    Codec<R> replyCodec();

    /**
     * Makes a new, not yet started worker. Called on the node that will run it, for a first start,
     * a restart, a start from a checkpoint or a move ({@link WorkerContext#startReason()}).
     *
     * @param context the new worker's name, ref and start arguments
     * @throws Exception when the arguments are invalid; the registration then fails with
     *                   {@link WorkerFailedException}
     */
    Worker<M, R> create(WorkerContext<M> context) throws Exception;

    /**
     * How often the container takes a {@link Worker#checkpoint()} and replicates it to the node
     * that would own the name next, so that a worker restarted after its node crashed resumes from
     * it. {@link Duration#ZERO} (the default) opts out: after a crash the worker restarts from its
     * start arguments alone.
     */
    default Duration checkpointInterval() {
        return Duration.ZERO;
    }

    /** How long {@link Worker#beginHandoff()} may take before it counts as {@code restart}. */
    default Duration handoffTimeout() {
        return Duration.ofSeconds(5);
    }

    /** What happens when a worker of this type crashes or stops by itself. */
    default RestartPolicy restartPolicy() {
        return RestartPolicy.DEFAULT;
    }

    /**
     * The most messages a worker's mailbox holds; a send to a full mailbox fails with
     * {@link MailboxFullException}. 0 (the default) takes the container's configured capacity.
     */
    default int mailboxCapacity() {
        return 0;
    }

    /** Node roles a node must have to run workers of this type; empty (the default) = any node. */
    default Set<String> requiredRoles() {
        return Set.of();
    }
}
