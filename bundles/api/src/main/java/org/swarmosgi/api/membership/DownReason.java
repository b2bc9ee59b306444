package org.swarmosgi.api.membership;

/** Why membership reported a member down. */
public enum DownReason {
    /** It announced that it leaves (a clean stop, or its transport stopped). */
    LEFT,
    /** Its failure detector passed the threshold: it is silent, dead or cut off. */
    FAILED,
    /** A newer incarnation of the same node name was seen: this run is over for good. */
    REPLACED,
    /** The strategy no longer lists it (a Kubernetes pod that left the list while still running). */
    EVICTED
}
