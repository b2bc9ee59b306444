package org.swarmosgi.api;

/** Why a worker is told to {@link Worker#stop(StopReason) stop}. */
public enum StopReason {
    /** Its name was unregistered. */
    UNREGISTERED,
    /** It was handed off (or restarted) on another node; this instance must die. */
    MOVED,
    /** A partition healed and another instance of the same name won. */
    CONFLICT_LOST,
    /** Its worker type went away (bundle stopped or undeployed). */
    TYPE_REMOVED,
    /** This node is shutting down. */
    SHUTDOWN,
    /** Its node lost quorum and stops workers that would otherwise run twice. */
    QUORUM_LOST,
    /** It threw from a handler in a way it declared fatal, or failed to start. */
    FAILED
}
