package org.swarmosgi.api;

/** Why a worker instance was started ({@link WorkerContext#startReason()}). */
public enum StartReason {
    /** The first start of its name: {@link SwarmRegistry#register} or a lookup that registers. */
    FIRST_START,
    /** A restart from its start arguments, after it crashed or its node died without a checkpoint. */
    RESTARTED,
    /** A restart after a crash, from its last replicated checkpoint (given to {@link Worker#endHandoff}). */
    FROM_CHECKPOINT,
    /** Moved from another node: {@link HandoffDecision#resume} state follows, or a fresh start after {@code restart}. */
    HANDED_OFF
}
