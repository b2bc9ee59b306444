package org.swarmosgi.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when nodes join or leave the cluster, after the registry has taken the change into its ring.
 * Called on a registry thread, one event at a time, in order; must not block.
 */
@ConsumerType
public interface TopologyListener {

    /** A node joined (or a restarted node came back under a new incarnation). */
    void nodeUp(Member member);

    /** A node left, was stopped, or was declared down by failure detection. */
    void nodeDown(Member member);
}
