package org.swarmosgi.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of names registered and unregistered, as this node's replica learns of them. Called on a
 * registry thread, one event at a time, in the order the replica changed; must not block.
 */
@ConsumerType
public interface NameListener {

    /** {@code name} now points to {@code worker} (a new name, or a new instance after a move or restart). */
    void registered(String name, WorkerRef worker);

    /** {@code name} no longer points to {@code worker}; {@code reason} says why. */
    void unregistered(String name, WorkerRef worker, StopReason reason);
}
