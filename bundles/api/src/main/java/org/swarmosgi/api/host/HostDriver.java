package org.swarmosgi.api.host;

import java.util.Map;

import org.swarmosgi.api.StopReason;
import org.swarmosgi.api.SwarmRegistry;
import org.swarmosgi.api.WorkerRef;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whoever drives a {@link WorkerHost} (the registry): it gives workers their registry and hears what
 * happened to them. Called on host threads; must return quickly.
 */
@ConsumerType
public interface HostDriver {

    /** The registry workers see in {@link org.swarmosgi.api.WorkerContext#registry()}. */
    SwarmRegistry registry();

    /**
     * A worker ended without an order: it stopped by itself ({@link StopReason#NORMAL}) or crashed
     * ({@link StopReason#CRASHED}, with the cause), or its type went away
     * ({@link StopReason#TYPE_REMOVED}).
     *
     * @param cause the error, or null
     */
    void workerEnded(String name, WorkerRef worker, StopReason reason, Throwable cause);

    /** The worker types this node offers changed; the new set, complete. */
    void workerTypesChanged(Map<String, WorkerTypeInfo> types);

    /**
     * A worker asked for its checkpoint to be taken and replicated now
     * ({@link org.swarmosgi.api.WorkerContext#checkpointNow()}); the driver takes it through
     * {@link WorkerHost#checkpoint}. A driver that replicates no checkpoints ignores it.
     *
     * @since 1.2
     */
    default void checkpointRequested(WorkerRef worker) {
    }
}
