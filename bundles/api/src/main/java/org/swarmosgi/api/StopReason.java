package org.swarmosgi.api;

/**
 * Why a worker stopped: given to {@link Worker#stop(StopReason)}, and the outcome of
 * {@link SwarmRegistry#monitor}.
 */
public enum StopReason {
    /** It stopped by itself ({@link WorkerContext#stopSelf()}). */
    NORMAL,
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
    /** It crashed: {@link Worker#onStart} threw, or it died of an error. */
    CRASHED,
    /** Its node died or left: seen only by monitors on other nodes. */
    NODE_DOWN,
    /** Seen only by monitors: the ref named no running worker when it was monitored. */
    NO_SUCH_WORKER
}
