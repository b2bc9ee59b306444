package org.swarmosgi.api;

import java.time.Duration;

/**
 * A kind of worker that the cluster can start by name: the service contract of worker bundles.
 *
 * <p>Publish an implementation as an OSGi service (typically a DS component) with the service
 * property {@value #WORKER_TYPE} set to the type's name. The same bundle must be deployed on every
 * node that may own names of this type (deployment through the container does that). For example:
 *
 * <pre>{@code
 * @Component(property = WorkerType.WORKER_TYPE + "=counter")
 * public final class CounterType implements WorkerType<String> {
 *     public Codec<String> codec() { return Codec.UTF8; }
 *     public Worker<String> create(WorkerContext context) { return new Counter(); }
 * }
 * }</pre>
 *
 * @param <M> the message type of its workers
 */
public interface WorkerType<M> {

    /** Service property that names a worker type; required, unique in the cluster. */
    String WORKER_TYPE = "swarm.worker.type";

    /** How messages to and from workers of this type are encoded when they cross nodes. */
    Codec<M> codec();

    /**
     * Makes a new, not yet started worker. Called on the node that will run it, for a first start,
     * a restart after a crash or a move.
     *
     * @param context the new worker's name, ref and start arguments
     * @throws Exception when the arguments are invalid; the registration then fails with
     *                   {@link WorkerFailedException}
     */
    Worker<M> create(WorkerContext context) throws Exception;

    /**
     * How often the container takes a {@link Worker#checkpoint()} and replicates it to the next
     * node on the ring, so that a worker restarted after its node crashed resumes from it.
     * {@link Duration#ZERO} (the default) opts out: after a crash the worker restarts from its
     * start arguments alone.
     */
    default Duration checkpointInterval() {
        return Duration.ZERO;
    }
}
